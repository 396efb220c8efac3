import { Injectable } from '@nestjs/common';
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
 * Verifies an access token the identity server issued (a JWT, as Keycloak's are) for the admin
 * API: its signature by the identity server's JWKS, `iss`, `aud` = `externalLogin.admin.audience`,
 * `exp` (and `nbf`), then reads its roles with the `externalLogin.claims.roles` mapping.
 * `undefined` when the token is not such a token, or is invalid or expired.
 * @see https://datatracker.ietf.org/doc/html/rfc9068#section-4
 */
@Injectable()
export class IdentityServerTokenVerifier {
  constructor(private readonly metadata: IdentityServerMetadata) {}

  get enabled(): boolean {
    return this.metadata.enabled && this.metadata.idp.admin !== undefined;
  }

  async verify(token: string): Promise<IdentityServerAdmin | undefined> {
    if (!this.enabled) return undefined;
    const idp = this.metadata.idp;
    const admin = idp.admin!;
    try {
      const { payload } = await jwtVerify(token, await this.metadata.keys(), {
        issuer: idp.issuer,
        audience: admin.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
      });
      const roles = rolesFromClaims(payload, idp.claims.roles);
      return { sub: payload.sub!, isAdmin: roles.includes(admin.role) };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
  }
}
