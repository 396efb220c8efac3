import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A private key (JWK) or a cookie secret, shared by every instance through the database. */
@Entity({ name: 'signing_key' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  /** `ES256`, `ES384`, `RS256` for JWKs; `cookie` for the cookie-signing secret. */
  @Column({ type: 'varchar', length: 16 })
  alg: string;

  /** The private JWK as JSON, or `enc:v1:<iv>.<tag>.<ciphertext>` when encrypted at rest. */
  @Column({ type: 'text' })
  material: string;

  @Column({ name: 'created_at', type: 'bigint' })
  createdAt: string | number;

  /** Signing starts at this time (epoch ms); before it the key is published only. */
  @Column({ name: 'activate_at', type: 'bigint' })
  activateAt: string | number;

  /** Removed from the JWKS after this time (epoch ms); null while current. */
  @Column({ name: 'retire_at', type: 'bigint', nullable: true })
  retireAt: string | number | null;
}
