import type { DataSource } from 'typeorm';
import { LedgerRepository } from '@app/billing';
import type { MessageStatus } from '@app/database';
import { CommandStatus, DlrMessageState, formatAbsoluteTime, type CancelSm, type QuerySm } from '@app/smpp';
import type { TenantDeliveryPort } from './delivery-port';

/** Our normalised err for an outcome the gateway decides itself (no network involved). */
export const GATEWAY_ERR_NONE = '000';

const STATE_BY_STATUS: Readonly<Record<MessageStatus, number>> = {
  accepted: DlrMessageState.ACCEPTED,
  scheduled: DlrMessageState.ACCEPTED,
  queued: DlrMessageState.ENROUTE,
  sent: DlrMessageState.ENROUTE,
  delivered: DlrMessageState.DELIVERED,
  undeliverable: DlrMessageState.UNDELIVERABLE,
  expired: DlrMessageState.EXPIRED,
  rejected: DlrMessageState.REJECTED,
  deleted: DlrMessageState.DELETED,
  unknown: DlrMessageState.UNKNOWN,
};

/** Not yet handed to a provider: may be cancelled here. */
const CANCELLABLE: readonly MessageStatus[] = ['accepted', 'scheduled'];

export interface QueryAnswer {
  readonly status: number;
  readonly fields?: { message_id: string; final_date: string; message_state: number; error_code: number };
}

/**
 * Forwards cancel_sm for a message already sent upstream to a provider that supports it (issue 5: Mobile Text
 * Alerts does). Resolves true when the provider cancelled it.
 */
export interface UpstreamCanceller {
  cancel(message: {
    id: string;
    providerId: string | null;
    providerMessageId: string | null;
  }): Promise<boolean>;
}

interface MessageRow {
  id: string;
  status: MessageStatus;
  final: boolean;
  source_addr: string;
  destination_addr: string;
  done_at: Date | null;
  error_code: string | null;
  reservation_id: string | null;
  provider_id: string | null;
  provider_message_id: string | null;
}

/** query_sm and cancel_sm, scoped to the asking tenant: another tenant's id and an unknown id look the same. */
export class MessageQueries {
  private readonly ledger: LedgerRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly delivery: TenantDeliveryPort,
    private readonly upstream: UpstreamCanceller | undefined,
  ) {
    this.ledger = new LedgerRepository(dataSource);
  }

  async query(tenantId: string, pdu: QuerySm): Promise<QueryAnswer> {
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT id, status, final, source_addr, done_at, error_code FROM messages WHERE id = $1 AND tenant_id = $2`,
      [pdu.message_id, tenantId],
    );
    const row = rows[0];
    // SMPP 3.4 §4.8.1: source_addr must match the original message's, when given.
    if (row === undefined || (pdu.source_addr !== '' && pdu.source_addr !== row.source_addr)) {
      return { status: CommandStatus.ESME_RQUERYFAIL };
    }
    const errorCode = row.error_code !== null && /^\d+$/.test(row.error_code) ? Number(row.error_code) : 0;
    return {
      status: CommandStatus.ESME_ROK,
      fields: {
        message_id: row.id,
        final_date: row.final && row.done_at !== null ? formatAbsoluteTime(row.done_at) : '',
        message_state: STATE_BY_STATUS[row.status],
        error_code: errorCode <= 0xff ? errorCode : 0,
      },
    };
  }

  /**
   * SMPP 3.4 §4.9: by message_id (source_addr must match when given), or with an empty message_id every pending
   * message of the tenant from source_addr to destination_addr.
   */
  async cancel(tenantId: string, pdu: CancelSm): Promise<number> {
    const status = await this.dataSource.transaction(async (tx) => {
      const byId = pdu.message_id !== '';
      if (!byId && (pdu.source_addr === '' || pdu.destination_addr === ''))
        return CommandStatus.ESME_RCANCELFAIL;
      const rows = await tx.query<MessageRow[]>(
        byId
          ? `SELECT id, status, final, source_addr, destination_addr, reservation_id, provider_id, provider_message_id
             FROM messages WHERE id = $1 AND tenant_id = $2 FOR UPDATE`
          : `SELECT id, status, final, source_addr, destination_addr, reservation_id, provider_id, provider_message_id
             FROM messages WHERE tenant_id = $1 AND source_addr = $2 AND destination_addr = $3
               AND status IN ('accepted', 'scheduled') FOR UPDATE`,
        byId ? [pdu.message_id, tenantId] : [tenantId, pdu.source_addr, pdu.destination_addr],
      );
      const targets = rows.filter(
        (row) =>
          (pdu.source_addr === '' || row.source_addr === pdu.source_addr) &&
          (pdu.destination_addr === '' || row.destination_addr === pdu.destination_addr),
      );
      if (targets.length === 0) return CommandStatus.ESME_RCANCELFAIL;
      const local = targets.filter((row) => CANCELLABLE.includes(row.status));
      if (local.length < targets.length) {
        const sent = targets.find((row) => !row.final && !CANCELLABLE.includes(row.status));
        if (sent === undefined || this.upstream === undefined || targets.length > 1) {
          return CommandStatus.ESME_RCANCELFAIL;
        }
        const cancelled = await this.upstream.cancel({
          id: sent.id,
          providerId: sent.provider_id,
          providerMessageId: sent.provider_message_id,
        });
        return cancelled ? CommandStatus.ESME_ROK : CommandStatus.ESME_RCANCELFAIL;
      }
      const reservations = local.flatMap((row) => (row.reservation_id === null ? [] : [row.reservation_id]));
      if (reservations.length > 0) {
        await this.ledger.voidBatch(
          tx,
          reservations.map((reservationId) => ({ reservationId })),
        );
      }
      const doneAt = new Date();
      for (const row of local) {
        await this.delivery.recordDlr(
          { messageId: row.id, state: 'deleted', err: GATEWAY_ERR_NONE, doneAt },
          tx,
        );
      }
      // recordDlr moves the state; make sure of it even if the delivery side skips messages without receipts.
      await tx.query(
        `UPDATE messages SET status = 'deleted', final = true, done_at = COALESCE(done_at, $2), updated_at = now()
         WHERE id = ANY($1) AND NOT final`,
        [local.map((row) => row.id), doneAt],
      );
      return CommandStatus.ESME_ROK;
    });
    if (status === CommandStatus.ESME_ROK) this.delivery.wake?.(tenantId);
    return status;
  }
}
