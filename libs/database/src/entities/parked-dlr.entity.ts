import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What a parked receipt needs to be applied later: the parsed outcome, not the PDU. */
export interface ParkedDlrOutcome {
  readonly stat: string;
  readonly final: boolean;
  readonly err: string;
  readonly category: string;
  /** network_error_code TLV value in hex, when the receipt carried one. */
  readonly networkErrorCodeHex?: string;
  readonly doneAt: string;
  readonly providerError?: string;
}

/**
 * A receipt the connector could not correlate when it arrived: `early` (its submit_sm_resp is not stored yet) or
 * `unknown` (no attempt has its id). Matched when the attempt's id lands, otherwise dropped after `expires_at`;
 * never routed to a tenant on its own.
 */
@Entity('parked_dlrs')
@Check('CHK_parked_dlrs_reason', `"reason" IN ('early', 'unknown')`)
@Index('IDX_parked_dlrs_key', ['provider_id', 'provider_message_key'])
@Index('IDX_parked_dlrs_expires', ['expires_at'])
export class ParkedDlrEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  provider_id!: string;

  @Column({ type: 'text' })
  provider_message_key!: string;

  @Column({ type: 'text' })
  reason!: 'early' | 'unknown';

  @Column({ type: 'jsonb' })
  outcome!: ParkedDlrOutcome;

  @Column({ type: 'timestamptz' })
  received_at!: Date;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;
}
