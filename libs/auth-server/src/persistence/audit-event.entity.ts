import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One audit-trail row: an admin action, a registration or a security event. */
@Entity({ name: 'audit_event' })
// Index names: `idx_<prefixed table>_<suffix>` from the naming strategy (smart-table.names.ts).
@Index(['at'])
export class AuditEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Epoch milliseconds. */
  @Column({ type: 'bigint' })
  at: string | number;

  /** Who: a client id, a user id or `system`. */
  @Column({ type: 'varchar', length: 255 })
  actor: string;

  /** What: e.g. `client.create`, `client.suspend`, `token.refused`. */
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 64, nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 255, nullable: true })
  targetId: string | null;

  /** JSON details: before/after (never secrets), client, user, ehrId, scopes, request id. */
  @Column({ type: 'text', nullable: true })
  details: string | null;
}
