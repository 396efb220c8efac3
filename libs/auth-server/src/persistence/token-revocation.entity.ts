import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One revocation: an access token (`kind` `jti`, `target` = SHA-256 of its `jti`), or every token
 * of a client or a subject issued up to `issued_before` (`kind` `client` / `subject`). Kept until
 * the last token it can concern has expired. `id` only grows, in commit order: it is the cursor
 * of the revocation feed and of each instance's in-memory copy.
 */
@Entity({ name: 'token_revocation' })
// Index names: `idx_<prefixed table>_<suffix>` from the naming strategy (smart-table.names.ts).
@Index(['kind', 'target'])
@Index(['expiresAt'])
export class TokenRevocationEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string | number;

  /** `jti`, `client` or `subject`. */
  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Column({ type: 'varchar', length: 255 })
  target: string;

  /** Epoch seconds: tokens with an `iat` up to this are revoked (`client`, `subject`). */
  @Column({ name: 'issued_before', type: 'bigint', nullable: true })
  issuedBefore: string | number | null;

  /** Epoch milliseconds. */
  @Column({ name: 'expires_at', type: 'bigint' })
  expiresAt: string | number;

  /** Epoch milliseconds. */
  @Column({ name: 'created_at', type: 'bigint' })
  createdAt: string | number;
}
