import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per tenant: a long message's receipts per part (as before) or one aggregated receipt for the whole message. */
export class MultipartReceipts1795323000000 implements MigrationInterface {
  name = 'MultipartReceipts1795323000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tenants" ADD "multipart_receipts" text NOT NULL DEFAULT 'per_part'`);
    await q.query(
      `ALTER TABLE "tenants" ADD CONSTRAINT "CHK_tenants_multipart_receipts" CHECK ("multipart_receipts" IN ('per_part', 'aggregated'))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tenants" DROP CONSTRAINT "CHK_tenants_multipart_receipts"`);
    await q.query(`ALTER TABLE "tenants" DROP COLUMN "multipart_receipts"`);
  }
}
