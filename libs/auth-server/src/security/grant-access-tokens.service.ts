import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { OidcPayloadEntity } from '../persistence/oidc-payload.entity.js';
import { guardDb } from '../persistence/persistence.errors.js';
import { TypeOrmOidcAdapter } from '../persistence/typeorm-oidc.adapter.js';
import { RevocationListService } from '../revocation/revocation-list.service.js';
import {
  jtiDigest,
  REVOCATION_MARGIN_SECONDS,
  type Revocation,
} from '../revocation/revocation.types.js';

/** Links a JWT access token to its grant (the grant id in `uid`, so `revokeByGrantId` keeps it). */
const LINK_MODEL = 'GrantAccessToken';
/** A grant revoked recently: a token it issued in the same moment is revoked when linked. */
const REVOKED_GRANT_MODEL = 'RevokedGrant';
/** How long a revoked-grant marker lives: tokens in flight are linked well within this. */
const MARKER_TTL_SECONDS = 300;

/**
 * JWT access tokens are not stored, so revoking their grant (a replayed code, a reused refresh
 * token, RFC 7009 on its refresh token, the user revoking the app) would not reach them. This
 * remembers which access tokens each user grant issued (one small row per token of the code and
 * refresh grants, until it expires) and, when the grant is revoked, puts them on the revocation
 * list ({@link RevocationListService}): introspection answers `active: false` and resource
 * servers that check the list refuse them.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.2
 */
@Injectable()
export class GrantAccessTokensService {
  private readonly repo: Repository<OidcPayloadEntity>;
  private readonly links: TypeOrmOidcAdapter;
  private readonly revokedGrants: TypeOrmOidcAdapter;

  constructor(
    dataSource: DataSource,
    private readonly revocations: RevocationListService,
  ) {
    this.repo = dataSource.getRepository(OidcPayloadEntity);
    this.links = new TypeOrmOidcAdapter(LINK_MODEL, this.repo);
    this.revokedGrants = new TypeOrmOidcAdapter(REVOKED_GRANT_MODEL, this.repo);
  }

  /** Remembers that `grantId` issued the access token `jti` (expiring at `exp`, epoch seconds). */
  async remember(jti: string, grantId: string, exp: number): Promise<void> {
    const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000) + 5);
    await this.links.upsert(jti, { jti, uid: grantId }, ttl);
    // Link first, then look for a revocation: a revocation running meanwhile either sees the
    // link or left its marker for this check (a race of parallel redemptions).
    if (await this.revokedGrants.find(grantId)) {
      await this.revocations.revoke([revocationOf(jti, Date.now() + ttl * 1000)]);
    }
  }

  /** Revokes every unexpired access token the grant issued; returns how many. */
  async revokeGrant(grantId: string): Promise<number> {
    await this.revokedGrants.upsert(grantId, { revoked: true }, MARKER_TTL_SECONDS);
    const rows = await guardDb(() => this.repo.findBy({ model: LINK_MODEL, uid: grantId }));
    const now = Date.now();
    const entries: Revocation[] = [];
    for (const row of rows) {
      const { jti } = JSON.parse(row.payload) as { jti?: string };
      const expiresAt = row.expiresAt === null ? now : Number(row.expiresAt);
      if (jti && expiresAt > now) entries.push(revocationOf(jti, expiresAt));
    }
    await this.revocations.revoke(entries);
    if (rows.length) await guardDb(() => this.repo.delete({ model: LINK_MODEL, uid: grantId }));
    return entries.length;
  }
}

function revocationOf(jti: string, linkExpiresAt: number): Revocation {
  return {
    kind: 'jti',
    target: jtiDigest(jti),
    issuedBefore: null,
    expiresAt: linkExpiresAt + REVOCATION_MARGIN_SECONDS * 1000,
  };
}
