import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { LedgerRepository } from '../ledger.repository';
import type { AccountSnapshot, ReserveRequest } from '../ledger.types';

/*
 * Builders shared by the billing int-specs (not exported from the library).
 */

export async function createTenant(dataSource: DataSource): Promise<string> {
  const [row] = await dataSource.query<{ id: string }[]>(
    'INSERT INTO tenants (name) VALUES ($1) RETURNING id',
    [`tenant-${randomUUID()}`],
  );
  return row.id;
}

/** A new tenant with an account in EUR, topped up with `balance` micro-units when > 0. */
export async function createAccount(
  ledger: LedgerRepository,
  dataSource: DataSource,
  options: { balance?: bigint; creditLimit?: bigint; currency?: string } = {},
): Promise<AccountSnapshot> {
  const tenantId = await createTenant(dataSource);
  const account = await ledger.openAccount(dataSource.manager, {
    tenantId,
    currency: options.currency ?? 'EUR',
    creditLimit: options.creditLimit,
  });
  if ((options.balance ?? 0n) > 0n) {
    await ledger.topUp(dataSource.manager, {
      accountId: account.id,
      currency: account.currency,
      amount: options.balance as bigint,
      idempotencyKey: `initial-topup:${account.id}`,
    });
  }
  return ledger.getAccount(dataSource.manager, account.id);
}

/** A one-segment reservation request at `price` micro-units. */
export function reserveRequest(
  account: AccountSnapshot,
  idempotencyKey: string,
  price: bigint,
  extra: Partial<ReserveRequest> = {},
): ReserveRequest {
  return {
    idempotencyKey,
    accountId: account.id,
    currency: account.currency,
    segments: 1,
    pricePerSegment: price,
    ...extra,
  };
}

export async function ensureProvider(dataSource: DataSource, id: string): Promise<void> {
  await dataSource.query('INSERT INTO providers (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING', [
    id,
  ]);
}
