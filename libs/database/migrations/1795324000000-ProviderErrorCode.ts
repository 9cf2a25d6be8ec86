import { MigrationInterface, QueryRunner } from 'typeorm';

/** messages.provider_error: the provider's own error code of the last receipt, kept verbatim beside ours. */
export class ProviderErrorCode1795324000000 implements MigrationInterface {
  name = 'ProviderErrorCode1795324000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" ADD "provider_error" jsonb`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" DROP COLUMN "provider_error"`);
  }
}
