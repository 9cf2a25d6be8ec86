import { Column, Entity, PrimaryColumn } from 'typeorm';

const PK = 'PK_provider_sessions';

/**
 * The live state of one upstream SMPP session, as the connector process that runs it last reported it. Every
 * connector process (an `instance`) rewrites its rows every few seconds; `expires_at` is when a row stops being
 * current if no newer report comes (the process died), and a process that stops normally deletes its rows. No
 * foreign key to `providers`: a connector may report before its provider row is seeded.
 */
@Entity('provider_sessions')
export class ProviderSessionEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: PK })
  provider_id!: string;

  /** The reporting process (host, pid and a counter). */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: PK })
  instance!: string;

  /** The session's position in the process's bind plan (0-based). */
  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: PK })
  session_index!: number;

  /** The SMPP client's state: connecting, binding, bound, waiting (to reconnect), stopping, stopped, idle. */
  @Column({ type: 'text' })
  state!: string;

  /** transmitter, receiver or transceiver while bound; null otherwise. */
  @Column({ type: 'text', nullable: true })
  bind_type!: string | null;

  /** host:port of the current (or next) connection attempt. */
  @Column({ type: 'text' })
  host!: string;

  /** Our submits awaiting their response on this session (0 while not bound). */
  @Column({ type: 'int', default: 0 })
  window_in_use!: number;

  @Column({ type: 'int' })
  window_size!: number;

  /** The last connect, bind or session error, never a credential. */
  @Column({ type: 'text', nullable: true })
  last_error!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  last_error_at!: Date | null;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;
}
