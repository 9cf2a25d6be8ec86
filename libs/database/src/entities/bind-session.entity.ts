import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, PrimaryColumn } from 'typeorm';
import { TenantCredentialEntity } from './tenant-credential.entity';

/**
 * One live tenant bind, held by the server instance that owns its socket. Every instance counts a credential's
 * binds here (not in its own memory), so `max_binds` holds across all instances sharing the database. An instance
 * renews its rows' `expires_at` while it runs and deletes a row when the bind ends; the rows of an instance that
 * died stop counting once `expires_at` passes.
 */
@Entity('bind_sessions')
@Index('IDX_bind_sessions_credential', ['credential_id', 'expires_at'])
@Index('IDX_bind_sessions_instance', ['instance_id'])
export class BindSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  credential_id!: string;

  @ManyToOne(() => TenantCredentialEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'credential_id', foreignKeyConstraintName: 'FK_bind_sessions_credential' })
  credential?: TenantCredentialEntity;

  @Column({ type: 'text' })
  instance_id!: string;

  @Column({ type: 'text' })
  bind_type!: string;

  @Column({ type: 'text', nullable: true })
  remote_ip!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  bound_at!: Date;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;
}

/**
 * Failed binds per (remote IP, system_id), shared by every server instance: a client that spreads its guesses over
 * several instances is counted once. `locked_until` set and in the future = locked out.
 */
@Entity('bind_failures')
@Index('IDX_bind_failures_window', ['window_started_at'])
export class BindFailureEntity {
  @PrimaryColumn({ type: 'text' })
  ip!: string;

  @PrimaryColumn({ type: 'text' })
  system_id!: string;

  @Column({ type: 'int' })
  failures!: number;

  @Column({ type: 'timestamptz' })
  window_started_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  locked_until!: Date | null;
}
