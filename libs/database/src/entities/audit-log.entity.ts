import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One change made through the admin API: who (the API key), what (method, path, resource and a summary of the
 * request body with secrets redacted), when. Append-only by convention; `api_key_id` is kept without a foreign key so
 * that the trail outlives deleted keys.
 */
@Entity('audit_log')
@Index('IDX_audit_log_created_at', ['created_at'])
export class AuditLogEntity {
  /** bigserial; kept as a decimal string. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  api_key_id!: string | null;

  @Column({ type: 'text' })
  method!: string;

  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'text', nullable: true })
  resource_id!: string | null;

  @Column({ type: 'integer' })
  status_code!: number;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  summary!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;
}
