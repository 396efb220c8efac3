import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { KeyObject } from 'node:crypto';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import { SMART_RESOURCE_SERVER_OPTIONS } from '../smart-resource-server.constants.js';
import type {
  JwsAlgorithm,
  ResolvedSmartResourceServerOptions,
} from '../smart-resource-server.options.js';
import { JwksCacheService } from './jwks-cache.service.js';

/** Claims RFC 9068 requires that the SMART context cannot do without. */
const REQUIRED_CLAIMS = ['exp', 'sub', 'client_id'] as const;

function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function malformed(): BearerTokenError {
  return BearerTokenError.invalidToken('the access token is not a well-formed JWT');
}

/**
 * The checks of a JWT access token that come before its signature, and the key that verifies it:
 * `alg` in the allow-list (never `none`/`HS*`), `typ` (`at+jwt`), the claims RFC 9068 requires,
 * `iss` and `aud`; then the key from the issuer's JWKS by `kid` (embedded `jwk`/`jku`/`x5u`
 * headers are ignored). The signature, `exp` and `nbf` are verified once, by passport-jwt, with
 * the returned key (see `SmartJwtStrategy`).
 *
 * A failure here is final whatever the signature would say, so checking the claims first only
 * decides which `error_description` a doubly broken token gets.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8725
 */
@Injectable()
export class AccessTokenKeyResolver {
  private readonly audiences: ReadonlySet<string>;

  constructor(
    @Inject(SMART_RESOURCE_SERVER_OPTIONS)
    private readonly options: ResolvedSmartResourceServerOptions,
    private readonly jwks: JwksCacheService,
  ) {
    this.audiences = new Set(options.audience);
  }

  /**
   * @returns the issuer's key that must verify the token's signature.
   * @throws BearerTokenError `invalid_token`, or TokenVerificationUnavailableError.
   */
  async keyFor(token: string): Promise<KeyObject> {
    const { alg, kid } = this.checkHeader(token);
    this.checkClaims(token);
    return (await this.jwks.keyFor({ alg, kid })).key;
  }

  private checkHeader(token: string): { alg: JwsAlgorithm; kid: string | undefined } {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw malformed();
    }
    const alg = header.alg as JwsAlgorithm;
    if (typeof header.alg !== 'string' || !this.options.algorithms.includes(alg)) {
      throw BearerTokenError.invalidToken('the access token signing algorithm is not accepted');
    }
    const required = this.options.requireTokenType;
    if (
      required !== false &&
      (typeof header.typ !== 'string' || normaliseTyp(header.typ) !== normaliseTyp(required))
    ) {
      throw BearerTokenError.invalidToken(
        `the token is not an access token (typ must be ${required})`,
      );
    }
    if (header.kid !== undefined && typeof header.kid !== 'string') throw malformed();
    return { alg, kid: header.kid };
  }

  private checkClaims(token: string): void {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw malformed();
    }
    for (const claim of REQUIRED_CLAIMS) {
      if (claims[claim] === undefined) {
        throw BearerTokenError.invalidToken(`the access token lacks the ${claim} claim`);
      }
    }
    if (claims.iss !== this.options.issuer) {
      throw BearerTokenError.invalidToken('the access token was issued by another issuer');
    }
    const aud = claims.aud;
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!audiences.some((value) => this.audiences.has(value))) {
      throw BearerTokenError.invalidToken('the access token is meant for another audience');
    }
  }
}
