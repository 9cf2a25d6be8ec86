import type { SmppSession } from '@app/smpp';
import type { EntityManager } from 'typeorm';

export type DlrState =
  'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'deleted' | 'unknown' | 'enroute' | 'accepted';

export interface DlrEvent {
  readonly messageId: string;
  readonly state: DlrState;
  /** Normalised error code, three or more digits. */
  readonly err: string;
  readonly networkErrorCode?: Buffer;
  readonly doneAt: Date;
}

/**
 * What the server core needs from the tenant delivery queue (libs/gateway/src/delivery, `DeliveryService`): record
 * an outcome the core decides itself (validity expired, cancelled before send) and hand over receiver-capable binds.
 */
export interface TenantDeliveryPort {
  recordDlr(event: DlrEvent, tx?: EntityManager): Promise<unknown>;
  attach(tenantId: string, session: SmppSession): void;
  /**
   * Looks at the tenant's queue now. recordDlr inside the caller's transaction queues a receipt that the delivery
   * loop can see only after COMMIT, so the caller wakes the loop once it has committed (without this the receipt
   * waits for the next poll).
   */
  wake?(tenantId: string): void;
}

/** Injection token of the TenantDeliveryPort. */
export const TENANT_DELIVERY = Symbol('TENANT_DELIVERY');
