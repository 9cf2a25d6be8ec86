import type { DataSource, QueryRunner } from 'typeorm';
import { queryRows, type StoredTlv } from '@app/database';
import { LedgerRepository, type ReserveRequest } from '@app/billing';

/** One message row ready to be written, with what its reservation and outbox row need. */
export interface PreparedMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly systemId: string;
  readonly groupId: string;
  readonly partNo: number;
  readonly partTotal: number;
  readonly sourceAddr: string;
  readonly sourceTon: number;
  readonly sourceNpi: number;
  readonly destinationAddr: string;
  readonly destTon: number;
  readonly destNpi: number;
  readonly esmClass: number;
  readonly protocolId: number;
  readonly priorityFlag: number;
  readonly registeredDelivery: number;
  readonly dataCoding: number;
  readonly octets: Buffer;
  readonly tlvs: readonly StoredTlv[];
  readonly userMessageReference: number | null;
  readonly dlrText: string;
  readonly segments: number;
  readonly scheduleAt: Date | null;
  readonly expiresAt: Date;
  /** The planned attempts as JSON. */
  readonly routeJson: string;
  readonly providerId: string;
  readonly submittedAt: Date;
  readonly reserve: ReserveRequest;
}

export type WriteOutcome =
  | { readonly ok: true; readonly messageId: string }
  | { readonly ok: false; readonly reason: 'NO_CREDIT' | 'NO_ROUTE' };

/** The outbox topic of a message to send through a provider (the relay of issue 6 publishes it). */
export function sendTopic(providerId: string): string {
  return `send.${providerId}`;
}

export function outboxPayload(message: {
  id: string;
  tenantId: string;
  groupId: string;
  providerId: string;
}): string {
  return JSON.stringify({
    messageId: message.id,
    tenantId: message.tenantId,
    groupId: message.groupId,
    providerId: message.providerId,
  });
}

const INSERT_MESSAGES_SQL = `
INSERT INTO messages (id, tenant_id, system_id, group_id, part_no, part_total, status, source_addr, source_addr_ton,
  source_addr_npi, destination_addr, dest_addr_ton, dest_addr_npi, esm_class, protocol_id, priority_flag,
  registered_delivery, data_coding, short_message, tlvs, user_message_reference, dlr_text, segments, schedule_at,
  expires_at, route, reservation_id, provider_id, submitted_at)
SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[],
  $9::smallint[], $10::smallint[], $11::text[], $12::smallint[], $13::smallint[], $14::smallint[], $15::smallint[],
  $16::smallint[], $17::smallint[], $18::smallint[], $19::bytea[], $20::jsonb[], $21::int[], $22::text[], $23::int[],
  $24::timestamptz[], $25::timestamptz[], $26::jsonb[], $27::uuid[], $28::text[], $29::timestamptz[])`;

const INSERT_OUTBOX_SQL = `
INSERT INTO outbox (topic, message_id, payload)
SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`;

function messageColumns(rows: readonly PreparedMessage[], reservationIds: readonly string[]): unknown[] {
  const pick = <T>(get: (row: PreparedMessage) => T): T[] => rows.map(get);
  return [
    pick((m) => m.id),
    pick((m) => m.tenantId),
    pick((m) => m.systemId),
    pick((m) => m.groupId),
    pick((m) => m.partNo),
    pick((m) => m.partTotal),
    pick((m) => (m.scheduleAt === null ? 'accepted' : 'scheduled')),
    pick((m) => m.sourceAddr),
    pick((m) => m.sourceTon),
    pick((m) => m.sourceNpi),
    pick((m) => m.destinationAddr),
    pick((m) => m.destTon),
    pick((m) => m.destNpi),
    pick((m) => m.esmClass),
    pick((m) => m.protocolId),
    pick((m) => m.priorityFlag),
    pick((m) => m.registeredDelivery),
    pick((m) => m.dataCoding),
    pick((m) => m.octets),
    pick((m) => JSON.stringify(m.tlvs)),
    pick((m) => m.userMessageReference),
    pick((m) => m.dlrText),
    pick((m) => m.segments),
    pick((m) => m.scheduleAt),
    pick((m) => m.expiresAt),
    pick((m) => m.routeJson),
    [...reservationIds],
    pick((m) => m.providerId),
    pick((m) => m.submittedAt),
  ];
}

/**
 * Writes a batch of accepted messages in ONE transaction: the reservations (one aggregated debit per account), the
 * message rows and, for messages not scheduled for later, their outbox rows. Nothing is acknowledged to a tenant
 * before this commits. A failure of the transaction rejects the whole batch (the caller answers every submit with
 * an error status); a refused reservation only refuses its own message.
 */
export class AcceptWriter {
  private readonly ledger: LedgerRepository;

  constructor(private readonly dataSource: DataSource) {
    this.ledger = new LedgerRepository(dataSource);
  }

  async write(batch: readonly PreparedMessage[]): Promise<WriteOutcome[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      try {
        let outcomes: WriteOutcome[] = [];
        // The message and outbox rows are written before the tenant's account row is debited (and so locked):
        // concurrent batches of one tenant then overlap all their inserts and queue only for the debit and commit.
        await this.ledger.reserveBatch(
          runner,
          batch.map((m) => m.reserve),
          {
            beforeDebit: async (reservations) => {
              outcomes = [];
              const accepted: PreparedMessage[] = [];
              const reservationIds: string[] = [];
              batch.forEach((message, index) => {
                const reservation = reservations[index];
                if (reservation.ok) {
                  accepted.push(message);
                  reservationIds.push(reservation.reservationId);
                  outcomes.push({ ok: true, messageId: message.id });
                } else {
                  // A price plan in another currency than the account's is a routing problem, not the tenant's money.
                  outcomes.push({
                    ok: false,
                    reason: reservation.reason === 'CURRENCY_MISMATCH' ? 'NO_ROUTE' : 'NO_CREDIT',
                  });
                }
              });
              if (accepted.length > 0) await this.insertAccepted(runner, accepted, reservationIds);
            },
          },
        );
        await runner.commitTransaction();
        return outcomes;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  private async insertAccepted(
    runner: QueryRunner,
    accepted: readonly PreparedMessage[],
    reservationIds: readonly string[],
  ): Promise<void> {
    await queryRows(runner, INSERT_MESSAGES_SQL, messageColumns(accepted, reservationIds));
    const toSend = accepted.filter((m) => m.scheduleAt === null);
    if (toSend.length > 0) {
      await queryRows(runner, INSERT_OUTBOX_SQL, [
        toSend.map((m) => sendTopic(m.providerId)),
        toSend.map((m) => m.id),
        toSend.map(outboxPayload),
      ]);
    }
  }
}
