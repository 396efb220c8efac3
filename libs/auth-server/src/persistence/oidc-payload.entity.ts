import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Everything oidc-provider stores (sessions, interactions, grants, codes, tokens, replay records...). */
@Entity({ name: 'oidc_payload' })
// Index names: `idx_<prefixed table>_<suffix>` from the naming strategy (smart-table.names.ts).
@Index(['grantId'], { where: 'grant_id IS NOT NULL' })
@Index(['model', 'uid'], { where: 'uid IS NOT NULL' })
@Index(['expiresAt'])
export class OidcPayloadEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  model: string;

  /** sha-256 of the artifact id: a database dump yields no usable token value. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ type: 'text' })
  payload: string;

  @Column({ name: 'grant_id', type: 'varchar', length: 255, nullable: true })
  grantId: string | null;

  @Column({ name: 'user_code', type: 'varchar', length: 255, nullable: true })
  userCode: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  uid: string | null;

  /** Epoch milliseconds; null = never expires. */
  @Column({ name: 'expires_at', type: 'bigint', nullable: true })
  expiresAt: string | number | null;

  @Column({ name: 'consumed_at', type: 'bigint', nullable: true })
  consumedAt: string | number | null;
}
