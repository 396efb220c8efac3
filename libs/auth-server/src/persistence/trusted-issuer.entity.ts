import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An issuer whose assertions the RFC 7523 jwt-bearer grant accepts. */
@Entity({ name: 'trusted_issuer' })
export class TrustedIssuerEntity {
  @PrimaryColumn({ type: 'varchar', length: 512 })
  issuer: string;

  @Column({ type: 'text', nullable: true })
  jwks: string | null;

  @Column({ name: 'jwks_uri', type: 'varchar', length: 2048, nullable: true })
  jwksUri: string | null;

  /** JSON array of subject patterns this issuer may assert (`*` = any). */
  @Column({ name: 'allowed_subjects', type: 'text' })
  allowedSubjects: string;

  /** Space-separated scope patterns this issuer may assert. */
  @Column({ name: 'allowed_scope', type: 'text' })
  allowedScope: string;

  @Column({ name: 'created_at', type: 'bigint' })
  createdAt: string | number;
}
