import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account foreign keys of reservations and ledger_entries are checked at commit. Checked per statement, the
 * check's FOR KEY SHARE lock on an account row that a concurrent batch holds FOR NO KEY UPDATE joins that lock in a
 * multixact, and batch reservations rolled back to a savepoint then deadlocked each other.
 */
export class BillingDeferredAccountKeys1795320060000 implements MigrationInterface {
  name = 'BillingDeferredAccountKeys1795320060000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "reservations" DROP CONSTRAINT "FK_reservations_account"`);
    await q.query(`ALTER TABLE "ledger_entries" DROP CONSTRAINT "FK_ledger_entries_account"`);
    await q.query(
      `ALTER TABLE "reservations" ADD CONSTRAINT "FK_reservations_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED`,
    );
    await q.query(
      `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_ledger_entries_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "ledger_entries" DROP CONSTRAINT "FK_ledger_entries_account"`);
    await q.query(`ALTER TABLE "reservations" DROP CONSTRAINT "FK_reservations_account"`);
    await q.query(
      `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_ledger_entries_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "reservations" ADD CONSTRAINT "FK_reservations_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }
}
