import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import { SMART_RESOURCE_SERVER_OPTIONS } from '../smart-resource-server.constants.js';
import type {
  JwsAlgorithm,
  ResolvedSmartResourceServerOptions,
} from '../smart-resource-server.options.js';
import { JwksCacheService } from './jwks-cache.service.js';

/** Claims RFC 9068 requires that the SMART context cannot do without. */
const REQUIRED_CLAIMS = ['exp', 'sub', 'client_id'];

function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function claimProblem(claim: unknown, reason: unknown): string {
  if (reason === 'missing') return `the access token lacks the ${String(claim)} claim`;
  switch (claim) {
    case 'iss':
      return 'the access token was issued by another issuer';
    case 'aud':
      return 'the access token is meant for another audience';
    case 'nbf':
      return 'the access token is not valid yet';
    default:
      return `the access token has an invalid ${String(claim)} claim`;
  }
}

/** Maps jose failures by their stable `code` (never by message text) to `invalid_token`. */
function toBearerError(error: unknown): BearerTokenError {
  if (error instanceof BearerTokenError) return error;
  const { code, claim, reason } = (error ?? {}) as {
    code?: unknown;
    claim?: unknown;
    reason?: unknown;
  };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return BearerTokenError.invalidToken('the access token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return BearerTokenError.invalidToken(claimProblem(claim, reason));
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return BearerTokenError.invalidToken('the access token signature is invalid');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return BearerTokenError.invalidToken('the access token signing algorithm is not accepted');
    case 'ERR_JWT_INVALID':
    case 'ERR_JWS_INVALID':
      return BearerTokenError.invalidToken('the access token is not a well-formed JWT');
    default:
      return BearerTokenError.invalidToken('the access token could not be verified');
  }
}

/**
 * Verifies a JWT access token with jose: `alg` in the allow-list (never `none`/`HS*`), `typ`
 * (`at+jwt`), the key from the issuer's JWKS by `kid` (embedded `jwk`/`jku`/`x5u` headers are
 * ignored), signature, `iss`, `aud`, `exp`/`nbf` with tolerance, and the claims RFC 9068 requires.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8725
 */
@Injectable()
export class JwtVerificationService {
  constructor(
    @Inject(SMART_RESOURCE_SERVER_OPTIONS)
    private readonly options: ResolvedSmartResourceServerOptions,
    private readonly jwks: JwksCacheService,
  ) {}

  /**
   * @returns the verified claims and the PEM of the key that verified them.
   * @throws BearerTokenError `invalid_token`, or TokenVerificationUnavailableError.
   */
  async verify(token: string): Promise<{ claims: JWTPayload; pem: string }> {
    const alg = this.checkHeader(token);
    const header = decodeProtectedHeader(token);
    const key = await this.jwks.keyFor({ alg, kid: header.kid });
    try {
      const { payload } = await jwtVerify(token, key.key, {
        issuer: this.options.issuer,
        audience: [...this.options.audience],
        algorithms: [alg],
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: REQUIRED_CLAIMS,
      });
      return { claims: payload, pem: key.pem };
    } catch (error) {
      throw toBearerError(error);
    }
  }

  private checkHeader(token: string): JwsAlgorithm {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw BearerTokenError.invalidToken('the access token is not a well-formed JWT');
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
    if (header.kid !== undefined && typeof header.kid !== 'string') {
      throw BearerTokenError.invalidToken('the access token is not a well-formed JWT');
    }
    return alg;
  }
}
