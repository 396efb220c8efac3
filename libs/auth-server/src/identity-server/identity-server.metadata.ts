import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import * as oidc from 'openid-client';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import type { ResolvedExternalLoginOptions } from '../options/external-login.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';

/**
 * The identity server's discovery document (read once, again after a failure) and its signing
 * keys (`jwks_uri`, cached and refetched on an unknown `kid` by jose): for the login, the
 * back-channel logout tokens and its access tokens on the admin API.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html
 */
@Injectable()
export class IdentityServerMetadata {
  private config: Promise<oidc.Configuration> | undefined;
  private jwks: JWTVerifyGetKey | undefined;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
  ) {}

  /** Whether an identity server is configured (`externalLogin`). */
  get enabled(): boolean {
    return this.options.externalLogin !== undefined;
  }

  /** The configured identity server; only called when `externalLogin` is set. */
  get idp(): ResolvedExternalLoginOptions {
    const idp = this.options.externalLogin;
    if (!idp) throw new Error('externalLogin is not configured');
    return idp;
  }

  /** openid-client's view of the identity server (discovery, client credentials). */
  configuration(): Promise<oidc.Configuration> {
    const idp = this.idp;
    this.config ??= oidc
      .discovery(new URL(idp.issuer), idp.clientId, idp.clientSecret, undefined, {
        execute: idp.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      })
      .catch((err: unknown) => {
        this.config = undefined;
        throw err;
      });
    return this.config;
  }

  /**
   * The algorithms its ID tokens (and logout tokens) may be signed with: the asymmetric ones of
   * its `id_token_signing_alg_values_supported`, else RS256 (OpenID Connect's default).
   */
  async idTokenAlgorithms(): Promise<string[]> {
    const listed = (await this.configuration()).serverMetadata()
      .id_token_signing_alg_values_supported;
    const asymmetric = (listed ?? []).filter((alg) =>
      /^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(alg),
    );
    return asymmetric.length > 0 ? asymmetric : ['RS256'];
  }

  /** The identity server's published keys, for verifying the JWTs it signs. */
  async keys(): Promise<JWTVerifyGetKey> {
    if (this.jwks) return this.jwks;
    const uri = (await this.configuration()).serverMetadata().jwks_uri;
    if (!uri) throw new Error('the identity server publishes no jwks_uri');
    this.jwks = createRemoteJWKSet(new URL(uri));
    return this.jwks;
  }
}
