import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { OidcPayloadEntity } from '../persistence/oidc-payload.entity.js';
import { guardDb } from '../persistence/persistence.errors.js';
import { TypeOrmOidcAdapter } from '../persistence/typeorm-oidc.adapter.js';

/** Links a JWT access token to its grant (the grant id in `uid`, so `revokeByGrantId` keeps it). */
const LINK_MODEL = 'GrantAccessToken';
/** The revocation list introspection consults (`TokenRegistryService`). */
const REVOKED_MODEL = 'RevokedAccessToken';
/** A grant revoked recently: a token it issued in the same moment is revoked when linked. */
const REVOKED_GRANT_MODEL = 'RevokedGrant';
/** How long a revoked-grant marker lives: tokens in flight are linked well within this. */
const MARKER_TTL_SECONDS = 300;

/**
 * JWT access tokens are not stored, so revoking their grant (a replayed code, a reused refresh
 * token) would not reach them. This remembers which access tokens each user grant issued (one
 * small row per token of the code and refresh grants, until it expires) and, when the grant is
 * revoked, puts them on the revocation list: introspection then answers `active: false`.
 * Resource servers that verify JWTs locally still accept them until they expire.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.2
 */
@Injectable()
export class GrantAccessTokensService {
  private readonly repo: Repository<OidcPayloadEntity>;
  private readonly links: TypeOrmOidcAdapter;
  private readonly revoked: TypeOrmOidcAdapter;
  private readonly revokedGrants: TypeOrmOidcAdapter;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(OidcPayloadEntity);
    this.links = new TypeOrmOidcAdapter(LINK_MODEL, this.repo);
    this.revoked = new TypeOrmOidcAdapter(REVOKED_MODEL, this.repo);
    this.revokedGrants = new TypeOrmOidcAdapter(REVOKED_GRANT_MODEL, this.repo);
  }

  /** Remembers that `grantId` issued the access token `jti` (expiring at `exp`, epoch seconds). */
  async remember(jti: string, grantId: string, exp: number): Promise<void> {
    const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000) + 5);
    await this.links.upsert(jti, { jti, uid: grantId }, ttl);
    // Link first, then look for a revocation: a revocation running meanwhile either sees the
    // link or left its marker for this check (a race of parallel redemptions).
    if (await this.revokedGrants.find(grantId))
      await this.revoked.upsert(jti, { revoked: true }, ttl);
  }

  /** Revokes every unexpired access token the grant issued; returns how many. */
  async revokeGrant(grantId: string): Promise<number> {
    await this.revokedGrants.upsert(grantId, { revoked: true }, MARKER_TTL_SECONDS);
    const rows = await guardDb(() => this.repo.findBy({ model: LINK_MODEL, uid: grantId }));
    const now = Date.now();
    let revoked = 0;
    for (const row of rows) {
      const { jti } = JSON.parse(row.payload) as { jti?: string };
      const expiresAt = row.expiresAt === null ? now : Number(row.expiresAt);
      if (!jti || expiresAt <= now) continue;
      await this.revoked.upsert(jti, { revoked: true }, Math.ceil((expiresAt - now) / 1000));
      revoked += 1;
    }
    if (rows.length) await guardDb(() => this.repo.delete({ model: LINK_MODEL, uid: grantId }));
    return revoked;
  }
}
