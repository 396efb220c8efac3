import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { ExpiringCache } from '../common/expiring.cache.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineKeys } from './ports/engine-keys.port.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { ACCESS_TOKEN_CLOCK_SKEW_SECONDS } from '../vocabulary/clock-skew.constants.js';
import { TOKEN_SIGNING_ALGS } from '../vocabulary/signing-alg.types.js';

/** Claims of our JWT access tokens (RFC 9068) plus the SMART launch context. */
export interface AccessTokenClaims extends JWTPayload {
  scope?: string;
  client_id?: string;
  ehrId?: string;
  patient?: string;
  episodeId?: string;
  fhirUser?: string;
}

/** How many verified tokens are remembered (oldest forgotten first). */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Verifies this server's own JWT access tokens locally against the published keys
 * (signature, `typ: at+jwt`, issuer, audience, expiry). Used by the admin API guard and
 * by introspection.
 *
 * A token verified once is remembered with its claims until it expires, so a resource server
 * introspecting with the same bearer token, or asking about the same token again, costs no second
 * signature check. What can change (revocation) is not remembered; the memory is cleared when
 * the published keys change.
 * @see https://datatracker.ietf.org/doc/html/rfc9068#section-4
 */
@Injectable()
export class AccessTokenVerifier {
  private jwks: ReturnType<typeof createLocalJWKSet> | undefined;
  private jwksSource: unknown;
  private readonly verified = new ExpiringCache<Readonly<AccessTokenClaims>>(VERIFIED_TOKENS_KEPT);

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly host: EngineKeys,
  ) {}

  /** Returns the claims, or `undefined` for anything that is not a valid, current access token. */
  async verify(token: string): Promise<Readonly<AccessTokenClaims> | undefined> {
    if (typeof token !== 'string' || token.length > 16384 || token.split('.').length !== 3) {
      return undefined;
    }
    const keys = this.keySet();
    const now = Date.now();
    const known = this.verified.get(token, now);
    if (known !== undefined) return known;
    try {
      const { payload } = await jwtVerify<AccessTokenClaims>(token, keys, {
        issuer: this.options.issuer,
        audience: this.options.issuer,
        typ: 'at+jwt',
        algorithms: [...TOKEN_SIGNING_ALGS],
        clockTolerance: ACCESS_TOKEN_CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp'],
        currentDate: new Date(now),
      });
      const until = (payload.exp! + ACCESS_TOKEN_CLOCK_SKEW_SECONDS) * 1000;
      this.verified.set(token, Object.freeze(payload), until);
      return payload;
    } catch {
      return undefined;
    }
  }

  private keySet(): ReturnType<typeof createLocalJWKSet> {
    const current = this.host.publishedJwks();
    if (!this.jwks || this.jwksSource !== current) {
      this.jwks = createLocalJWKSet(current);
      this.jwksSource = current;
      this.verified.clear();
    }
    return this.jwks;
  }
}
