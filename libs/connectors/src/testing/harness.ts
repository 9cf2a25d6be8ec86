/** TEST-ONLY: a scratch database with one tenant and one provider row, and helpers to read what a connector did. */
import { DeliveryService } from '@app/gateway';
import type { OutboundMessage } from '@app/providers';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { SendMessage } from '../send-message';

export interface ConnectorTestDatabase {
  readonly db: TestDatabase;
  readonly tenantId: string;
  readonly providerId: string;
}

export async function openConnectorTestDatabase(providerId: string): Promise<ConnectorTestDatabase> {
  const db = await createTestDatabase();
  const tenantId = randomUUID();
  await db.dataSource.query(`INSERT INTO tenants (id, name, status) VALUES ($1, 'acme', 'active')`, [
    tenantId,
  ]);
  await db.dataSource.query(`INSERT INTO providers (id, name) VALUES ($1, $1)`, [providerId]);
  return { db, tenantId, providerId };
}

export function testDelivery(dataSource: DataSource): DeliveryService {
  return new DeliveryService(dataSource, {
    retentionMs: 60_000,
    retryMinMs: 100,
    retryMaxMs: 1_000,
    windowPerSession: 10,
    leaseMs: 5_000,
    pollMs: 1_000,
    registry: new Registry(),
  });
}

/** Stores a queued message to `destination` and returns it as routing would hand it to a connector. */
export async function queueMessage(
  context: ConnectorTestDatabase,
  destination: string,
  overrides: Partial<Omit<OutboundMessage, 'id' | 'destination'>> = {},
): Promise<SendMessage> {
  const id = randomUUID().replace(/-/g, '').slice(0, 20);
  await context.db.dataSource.query(
    `INSERT INTO messages (id, tenant_id, system_id, group_id, status, source_addr, source_addr_ton, source_addr_npi,
       destination_addr, dest_addr_ton, dest_addr_npi, esm_class, protocol_id, priority_flag, registered_delivery,
       data_coding, short_message, segments, submitted_at)
     VALUES ($1, $2, 'tenant', $1, 'queued', '4512345678', 1, 1, $3, 1, 1, 0, 0, 0, 1, 0, 'hi', 1, now())`,
    [id, context.tenantId, destination],
  );
  return {
    tenantId: context.tenantId,
    routeAttempt: 1,
    message: {
      id,
      source: { type: 'alphanumeric', value: 'Acme' },
      destination: { number: destination },
      body: { kind: 'text', text: 'hello world' },
      registeredDelivery: 1,
      ...overrides,
    },
  };
}

export interface MessageRow {
  status: string;
  final: boolean;
  error_code: string | null;
}

export async function messageRow(context: ConnectorTestDatabase, id: string): Promise<MessageRow> {
  const rows: MessageRow[] = await context.db.dataSource.query(
    `SELECT status, final, error_code FROM messages WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** DLRs queued to the tenant for a message, in order: state and err of each. */
export async function tenantReceipts(
  context: ConnectorTestDatabase,
  id: string,
): Promise<Array<{ final: boolean }>> {
  return context.db.dataSource.query(
    `SELECT final FROM tenant_deliveries WHERE message_id = $1 ORDER BY created_at`,
    [id],
  );
}

export async function finalReceipts(context: ConnectorTestDatabase, id: string): Promise<number> {
  return (await tenantReceipts(context, id)).filter((row) => row.final).length;
}

export async function attemptStatuses(context: ConnectorTestDatabase, id: string): Promise<string[]> {
  const rows: Array<{ status: string }> = await context.db.dataSource.query(
    `SELECT status FROM attempts WHERE message_id = $1 ORDER BY attempt_no`,
    [id],
  );
  return rows.map((row) => row.status);
}

/** Polls until `check` holds (bounded: 150 tries 20 ms apart). */
export async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not reached');
}
