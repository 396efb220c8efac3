import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { ProviderHost } from '../provider/provider-host.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';

/** Claims of our JWT access tokens (RFC 9068) plus the SMART launch context. */
export interface AccessTokenClaims extends JWTPayload {
  scope?: string;
  client_id?: string;
  ehrId?: string;
  patient?: string;
  episodeId?: string;
  fhirUser?: string;
}

/**
 * Verifies this server's own JWT access tokens locally against the published keys
 * (signature, `typ: at+jwt`, issuer, audience, expiry). Used by the admin API guard and
 * by introspection.
 * @see https://datatracker.ietf.org/doc/html/rfc9068#section-4
 */
@Injectable()
export class AccessTokenVerifier {
  private jwks: ReturnType<typeof createLocalJWKSet> | undefined;
  private jwksSource: unknown;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly host: ProviderHost,
  ) {}

  /** Returns the claims, or `undefined` for anything that is not a valid, current access token. */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    if (typeof token !== 'string' || token.length > 16384 || token.split('.').length !== 3) {
      return undefined;
    }
    try {
      const { payload } = await jwtVerify<AccessTokenClaims>(token, this.keySet(), {
        issuer: this.options.issuer,
        audience: this.options.issuer,
        typ: 'at+jwt',
        algorithms: ['ES256', 'ES384', 'RS256'],
        clockTolerance: 5,
      });
      return payload;
    } catch {
      return undefined;
    }
  }

  private keySet(): ReturnType<typeof createLocalJWKSet> {
    const current = this.host.jwks;
    if (!this.jwks || this.jwksSource !== current) {
      this.jwks = createLocalJWKSet(current);
      this.jwksSource = current;
    }
    return this.jwks;
  }
}
