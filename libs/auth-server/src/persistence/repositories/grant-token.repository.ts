import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OidcPayloadEntity } from '../oidc-payload.entity.js';
import { guardDb } from '../persistence.errors.js';
import { OidcPayloadRepository } from './oidc-payload.repository.js';

/** Links a JWT access token to its grant (the grant id in `uid`, so `revokeByGrantId` keeps it). */
const LINK_MODEL = 'GrantAccessToken';
/** A grant revoked recently: a token it issued in the same moment is revoked when linked. */
const REVOKED_GRANT_MODEL = 'RevokedGrant';

/** An access token a grant issued, as linked. */
export interface GrantTokenLink {
  jti?: string;
  /** Epoch milliseconds; null when the link never expires. */
  expiresAt: number | null;
}

/** Which access tokens each grant issued, and which grants were revoked lately. */
@Injectable()
export class GrantTokenRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly payloads: OidcPayloadRepository,
  ) {}

  /** Remembers that `grantId` issued the access token `jti`. */
  async link(jti: string, grantId: string, ttlSeconds: number): Promise<void> {
    await this.payloads.forModel(LINK_MODEL).upsert(jti, { jti, uid: grantId }, ttlSeconds);
  }

  /** Every link of the grant (expired ones included). */
  async linksOf(grantId: string): Promise<GrantTokenLink[]> {
    const rows = await guardDb(() =>
      this.dataSource.getRepository(OidcPayloadEntity).findBy({ model: LINK_MODEL, uid: grantId }),
    );
    return rows.map((row) => ({
      jti: (JSON.parse(row.payload) as { jti?: string }).jti,
      expiresAt: row.expiresAt === null ? null : Number(row.expiresAt),
    }));
  }

  async deleteLinks(grantId: string): Promise<void> {
    await guardDb(() =>
      this.dataSource.getRepository(OidcPayloadEntity).delete({ model: LINK_MODEL, uid: grantId }),
    );
  }

  async markGrantRevoked(grantId: string, ttlSeconds: number): Promise<void> {
    await this.payloads
      .forModel(REVOKED_GRANT_MODEL)
      .upsert(grantId, { revoked: true }, ttlSeconds);
  }

  async isGrantRevoked(grantId: string): Promise<boolean> {
    return (await this.payloads.forModel(REVOKED_GRANT_MODEL).find(grantId)) !== undefined;
  }
}
