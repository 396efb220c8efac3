import { Injectable } from '@nestjs/common';
import { GrantTokenRepository } from '../persistence/repositories/grant-token.repository.js';
import { RevocationListService } from './revocation-list.service.js';
import { jtiDigest } from './revocation.types.js';
import type { Revocation } from '../persistence/records/revocation.record.js';
import { REVOCATION_MARGIN_SECONDS } from '../vocabulary/clock-skew.constants.js';

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
  constructor(
    private readonly links: GrantTokenRepository,
    private readonly revocations: RevocationListService,
  ) {}

  /** Remembers that `grantId` issued the access token `jti` (expiring at `exp`, epoch seconds). */
  async remember(jti: string, grantId: string, exp: number): Promise<void> {
    const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000) + 5);
    await this.links.link(jti, grantId, ttl);
    // Link first, then look for a revocation: a revocation running meanwhile either sees the
    // link or left its marker for this check (a race of parallel redemptions).
    if (await this.links.isGrantRevoked(grantId)) {
      await this.revocations.revoke([revocationOf(jti, Date.now() + ttl * 1000)], 'grant');
    }
  }

  /** Revokes every unexpired access token the grant issued; returns how many. */
  async revokeGrant(grantId: string): Promise<number> {
    await this.links.markGrantRevoked(grantId, MARKER_TTL_SECONDS);
    const links = await this.links.linksOf(grantId);
    const now = Date.now();
    const entries: Revocation[] = [];
    for (const { jti, expiresAt: linkExpiresAt } of links) {
      const expiresAt = linkExpiresAt ?? now;
      if (jti && expiresAt > now) entries.push(revocationOf(jti, expiresAt));
    }
    await this.revocations.revoke(entries, 'grant');
    if (links.length) await this.links.deleteLinks(grantId);
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
