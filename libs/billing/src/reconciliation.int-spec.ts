import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useTestDatabase } from '@app/testing';
import { LedgerRepository } from './ledger.repository';
import { formatReconciliation, reconcile } from './reconciliation';
import { createAccount, reserveRequest } from './testing/ledger-fixtures';

const execFileAsync = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

/** Runs `npm run reconcile` against `url`; resolves with its exit code and output. */
async function reconcileCommand(url: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      ['-r', '@swc-node/register', join(ROOT, 'scripts', 'reconcile.ts')],
      { cwd: ROOT, env: { DATABASE_URL: url }, timeout: 60_000 },
    );
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '' };
  }
}

describe('reconcile (Postgres)', () => {
  const db = useTestDatabase();
  let ledger: LedgerRepository;
  beforeAll(() => {
    ledger = new LedgerRepository(db.dataSource);
  });

  it('reports OK for a ledger written through the repository, and finds every difference planted by hand', async () => {
    const tx = db.dataSource.manager;
    const account = await createAccount(ledger, db.dataSource, { balance: 10_000n });
    const other = await createAccount(ledger, db.dataSource, { balance: 10_000n });
    const held = await ledger.reserveBatch(
      tx,
      [1, 2, 3, 4].map((n) => reserveRequest(account, `rec-${n}`, 1_000n)),
    );
    const [posted, twice, pending, repriced] = held.map((result) => (result.ok ? result.reservationId : ''));
    await ledger.postBatch(tx, [{ reservationId: posted }, { reservationId: twice }]);
    await ledger.reserve(tx, reserveRequest(other, 'rec-other', 500n));

    const clean = await reconcile(db.dataSource);
    expect(clean).toMatchObject({
      ok: true,
      accounts: 2,
      reservations: 5,
      differences: [],
      truncated: false,
    });
    expect(formatReconciliation(clean)).toEqual([`reconcile: OK, 2 accounts, ${clean.entries} entries`]);
    const command = await reconcileCommand(db.url);
    expect(command).toEqual({ code: 0, stdout: `reconcile: OK, 2 accounts, ${clean.entries} entries\n` });

    // Behind the ledger's back: a balance changed without an entry.
    await db.dataSource.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [other.id]);
    // A second resolution of a posted reservation (the unique index that forbids it dropped first).
    await db.dataSource.query('DROP INDEX "UQ_ledger_entries_resolution"');
    await db.dataSource.query(
      `INSERT INTO ledger_entries (account_id, kind, amount, idempotency_key, reservation_id)
       VALUES ($1, 'void', 1000, 'planted-void', $2)`,
      [account.id, twice],
    );
    // A status that no entry backs, and an amount the entries do not match.
    await db.dataSource.query(
      `UPDATE reservations SET status = 'voided', resolved_at = now() WHERE id = $1`,
      [pending],
    );
    await db.dataSource.query('UPDATE reservations SET amount = amount + 5 WHERE id = $1', [repriced]);
    // A reservation with no reserve entry at all.
    const [orphan] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO reservations (account_id, idempotency_key, amount, segments, expires_at)
       VALUES ($1, 'planted-orphan', 10, 1, now() + interval '1 hour') RETURNING id`,
      [other.id],
    );

    const report = await reconcile(db.dataSource);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        { kind: 'balance', accountId: other.id, recorded: 10_001n, replayed: 10_000n },
        { kind: 'reserved', accountId: account.id, recorded: 2_000n, replayed: 1_000n },
        { kind: 'resolutions', reservationId: twice, resolutions: ['post', 'void'] },
        { kind: 'status', reservationId: twice, status: 'posted', resolutions: ['post', 'void'] },
        { kind: 'status', reservationId: pending, status: 'voided', resolutions: [] },
        {
          kind: 'entry_mismatch',
          reservationId: repriced,
          detail: `reservation holds 1005; entries: reserve 1000 on ${account.id}`,
        },
        { kind: 'reserve_entries', reservationId: orphan.id, count: 0 },
      ]),
    );
    expect(report.differences).toHaveLength(7);

    const failed = await reconcileCommand(db.url);
    expect(failed.code).toBe(1);
    const lines = failed.stdout.trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines).toContain(`account ${other.id}: balance 10001 != ledger replay 10000 (off by 1)`);
    expect(lines).toContain(`reservation ${twice}: resolved 2 times (post, void)`);
    expect(lines[7]).toMatch(/^reconcile: 7 difference\(s\), 2 accounts, \d+ entries$/);

    // It only reads: the planted state is still there.
    const [row] = await db.dataSource.query<{ balance: string }[]>(
      'SELECT balance::text FROM accounts WHERE id = $1',
      [other.id],
    );
    expect(row.balance).toBe('10001');
  });

  it('bounds the listed differences', async () => {
    const report = await reconcile(db.dataSource, { maxDifferences: 1 });
    expect(report.truncated).toBe(true);
    expect(formatReconciliation(report)).toContain('reconcile: more differences not listed');
  });
});
