import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A registered SMART app: RFC 7591 metadata plus SMART extras and review status. */
@Entity({ name: 'oauth_client' })
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  /** RFC 7591 metadata as JSON, without any secret. */
  @Column({ type: 'text' })
  metadata: string;

  /** `public`, `confidential-symmetric` or `confidential-asymmetric`. */
  @Column({ name: 'client_type', type: 'varchar', length: 32 })
  clientType: string;

  /** `pending`, `approved` or `suspended`. */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  /** Admin-trusted apps skip the consent page. */
  @Column({ type: 'boolean', default: false })
  trusted: boolean;

  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash: string | null;

  @Column({ name: 'previous_secret_hash', type: 'text', nullable: true })
  previousSecretHash: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'bigint', nullable: true })
  previousSecretExpiresAt: string | number | null;

  @Column({ name: 'created_by', type: 'varchar', length: 255 })
  createdBy: string;

  @Column({ name: 'updated_by', type: 'varchar', length: 255 })
  updatedBy: string;

  @Column({ name: 'created_at', type: 'bigint' })
  createdAt: string | number;

  @Column({ name: 'updated_at', type: 'bigint' })
  updatedAt: string | number;
}
