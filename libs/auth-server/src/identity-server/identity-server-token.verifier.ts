import { Injectable, Logger } from '@nestjs/common';
import { errors as joseErrors, jwtVerify } from 'jose';
import { ASSERTION_CLOCK_SKEW_SECONDS } from '../vocabulary/clock-skew.constants.js';
import { rolesFromClaims } from './identity-claims.mapper.js';
import { IdentityServerMetadata } from './identity-server.metadata.js';

/** An administrator as the identity server's access token names them. */
export interface IdentityServerAdmin {
  sub: string;
  /** Whether they hold `externalLogin.admin.role`. */
  isAdmin: boolean;
}

/**
 * Whether a verified JWT is an access token, not an ID token with the same audience: RFC 9068's
 * `typ: at+jwt` header, or Keycloak's `typ: Bearer` claim (its ID tokens carry `typ: ID`); an ID
 * token's `nonce` is refused either way.
 */
function isAccessToken(header: { typ?: string }, payload: Record<string, unknown>): boolean {
  if ('nonce' in payload) return false;
  const typ = header.typ?.toLowerCase();
  return typ === 'at+jwt' || typ === 'application/at+jwt' || payload.typ === 'Bearer';
}

/**
 * Verifies an access token the identity server issued (a JWT, as Keycloak's are) for the admin
 * API: its signature by the identity server's JWKS, `iss`, `aud` = `externalLogin.admin.audience`,
 * `exp` (and `nbf`), that it is an access token (not an ID token), then reads its roles with the
 * `externalLogin.claims.roles` mapping. `undefined` when the token is not such a token, is invalid
 * or expired, or the identity server's keys cannot be read right now (logged).
 * @see https://datatracker.ietf.org/doc/html/rfc9068#section-4
 */
@Injectable()
export class IdentityServerTokenVerifier {
  private readonly logger = new Logger('IdentityServerToken');

  constructor(private readonly metadata: IdentityServerMetadata) {}

  get enabled(): boolean {
    return this.metadata.enabled && this.metadata.idp.admin !== undefined;
  }

  async verify(token: string): Promise<IdentityServerAdmin | undefined> {
    if (!this.enabled) return undefined;
    const idp = this.metadata.idp;
    const admin = idp.admin!;
    const keys = await this.metadata.keys().catch((err: Error) => {
      this.logger.warn(`identity server keys unavailable: ${err.message}`);
      return undefined;
    });
    if (!keys) return undefined;
    try {
      const { payload, protectedHeader } = await jwtVerify(token, keys, {
        issuer: idp.issuer,
        audience: admin.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
      });
      if (!isAccessToken(protectedHeader, payload)) return undefined;
      const roles = rolesFromClaims(payload, idp.claims.roles);
      return { sub: payload.sub!, isAdmin: roles.includes(admin.role) };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
  }
}
