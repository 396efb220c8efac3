import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { OAuthError } from '../errors/oauth.error.js';
import { ExternalLoginRepository } from '../persistence/repositories/external-login.repository.js';
import { ASSERTION_CLOCK_SKEW_SECONDS } from '../vocabulary/clock-skew.constants.js';
import { IdentityServerMetadata } from './identity-server.metadata.js';

/** The event a logout token must carry. */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Oldest logout token accepted (by `iat`), in seconds; its `jti` is remembered this long (plus
 * the skew), so a replay is refused for as long as the token itself would be accepted.
 */
const LOGOUT_TOKEN_MAX_AGE_SECONDS = 300;

/** Who a valid logout token logs out: its `sub`, its `sid`, or both. */
export interface LogoutRequest {
  sub?: string;
  sid?: string;
  /** The token's replay record (forget it when the logout fails, so the identity server may retry). */
  replayKey: string;
}

const invalid = (description: string) => OAuthError.invalidRequest(description);

/**
 * Validates a back-channel logout token exactly as OpenID Connect Back-Channel Logout 1.0
 * section 2.6 lists: signed by the identity server (its JWKS) with an algorithm it signs ID tokens
 * with (its `id_token_signing_alg_values_supported`, else RS256), `typ` absent, `JWT` or
 * `logout+jwt`, `iss` = the identity server, `aud` = our client id, `iat` present and recent, `exp`
 * present and not passed, `jti` present and not seen before, `events` holding
 * the back-channel logout event as an object, `sub` and/or `sid`, and no `nonce`. Any failure is
 * `invalid_request` (400).
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation
 */
@Injectable()
export class LogoutTokenVerifier {
  constructor(
    private readonly metadata: IdentityServerMetadata,
    private readonly logins: ExternalLoginRepository,
  ) {}

  async verify(token: unknown): Promise<LogoutRequest> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 16384) {
      throw invalid('logout_token is required');
    }
    const idp = this.metadata.idp;
    const keys = await this.metadata.keys();
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer: idp.issuer,
      audience: idp.clientId,
      algorithms: await this.metadata.idTokenAlgorithms(),
      requiredClaims: ['iat', 'exp', 'jti'],
      maxTokenAge: LOGOUT_TOKEN_MAX_AGE_SECONDS,
      clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
    }).catch((err: unknown) => {
      throw invalid(reasonOf(err));
    });
    const typ = protectedHeader.typ?.toLowerCase();
    if (typ !== undefined && typ !== 'jwt' && typ !== 'logout+jwt') {
      throw invalid('the logout token has the wrong typ');
    }
    const request = checkClaims(payload);
    const replayKey = createHash('sha256')
      .update(`${idp.issuer}\n${payload.jti}`)
      .digest('base64url');
    const ttl = LOGOUT_TOKEN_MAX_AGE_SECONDS + 2 * ASSERTION_CLOCK_SKEW_SECONDS;
    if (!(await this.logins.firstUseOfLogoutToken(replayKey, ttl))) {
      throw invalid('the logout token was used before (jti)');
    }
    return { ...request, replayKey };
  }
}

/** The claims section 2.4 requires beside the JWT ones jose checked. */
function checkClaims(payload: JWTPayload): Omit<LogoutRequest, 'replayKey'> {
  const events = payload.events;
  const event =
    events !== null && typeof events === 'object' && !Array.isArray(events)
      ? (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT]
      : undefined;
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw invalid('the logout token has no back-channel logout event');
  }
  if ('nonce' in payload) throw invalid('a logout token must not carry a nonce');
  const sub = typeof payload.sub === 'string' && payload.sub ? payload.sub : undefined;
  const sid = typeof payload.sid === 'string' && payload.sid ? payload.sid : undefined;
  if (!sub && !sid) throw invalid('the logout token names neither sub nor sid');
  return { sub, sid };
}

/** A safe description by jose's error class (never its message, which may quote the token). */
function reasonOf(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the logout token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    return `the logout token's ${err.claim} claim is invalid`;
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey)
    return 'the logout token is not signed by a known key';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return 'the logout token signature is invalid';
  }
  if (err instanceof joseErrors.JOSEError) return 'the logout token is not a valid signed JWT';
  throw err;
}
