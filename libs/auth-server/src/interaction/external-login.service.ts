import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AccountResolver, type SmartAccountClaims } from '../accounts/account.port.js';
import { accountFromClaims } from '../identity-server/identity-claims.mapper.js';
import { IdentityServerMetadata } from '../identity-server/identity-server.metadata.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { ExternalLoginRepository } from '../persistence/repositories/external-login.repository.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import type { Response } from 'express';
import { renderPage } from '../errors/error.renderer.js';
import { pageError } from '../errors/page.error.js';
import { inSpan, type Span } from '../tracing/auth.tracer.js';

interface PendingLogin {
  uid: string;
  verifier: string;
  nonce: string;
  state: string;
}

/** External logins started by the admin console carry this prefix instead of an interaction uid. */
export const CONSOLE_LOGIN_PREFIX = 'admin-console:';

/** Records how a callback ended on its span (`smart.login.outcome`); no account id. */
function outcome(
  span: Span,
  value: 'success' | 'unknown_state' | 'no_subject' | 'local_subject',
): undefined {
  span.setAttribute('smart.login.outcome', value);
  return undefined;
}

/**
 * Login through an external OpenID Connect provider (Keycloak or any certified OP) with
 * `openid-client`: authorization code + PKCE, `state` and `nonce`; the verified ID token claims
 * become the local account.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 */
@Injectable()
export class ExternalLoginService {
  private readonly logger = new Logger('ExternalLogin');
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly logins: ExternalLoginRepository,
    private readonly metadata: IdentityServerMetadata,
    @Optional() private readonly host?: AccountResolver,
  ) {}

  get enabled(): boolean {
    return this.options.externalLogin !== undefined;
  }

  /** The identity server's host on the login spans. */
  private get spanOptions() {
    return { attributes: { 'server.address': new URL(this.options.externalLogin!.issuer).host } };
  }

  private get redirectUri(): string {
    return `${new URL(this.options.issuer).origin}${this.options.routes.interaction}/callback/idp`;
  }

  private configuration(): Promise<oidc.Configuration> {
    return this.metadata.configuration();
  }

  /** The URL to send the browser to; remembers PKCE verifier, state and nonce for the callback. */
  start(uid: string): Promise<string> {
    return inSpan('external-login start', this.spanOptions, async () => {
      const config = await this.configuration();
      const login: PendingLogin = {
        uid,
        verifier: oidc.randomPKCECodeVerifier(),
        nonce: oidc.randomNonce(),
        state: oidc.randomState(),
      };
      await this.logins.savePending(login.state, { ...login }, 600);
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: this.redirectUri,
        scope: this.options.externalLogin!.scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(login.verifier),
        code_challenge_method: 'S256',
        state: login.state,
        nonce: login.nonce,
      }).href;
    });
  }

  /**
   * Sends the browser to the identity server for the login `id`, or answers 503 *Sign-in
   * unavailable* (with `Retry-After`) when it cannot be reached.
   */
  async redirectOrUnavailable(id: string, res: Response): Promise<void> {
    const url = await this.start(id).catch((err: Error) => {
      this.logger.warn(`identity provider unavailable: ${err.message}`);
      return undefined;
    });
    if (url) return res.redirect(303, url);
    res.set('Retry-After', '30');
    renderPage(res, pageError(503, 'idpUnavailable'), this.options);
  }

  /** The interaction a callback belongs to (by its `state`). */
  async uidForCallback(state: unknown): Promise<string | undefined> {
    if (typeof state !== 'string' || state.length > 200) return undefined;
    return ((await this.logins.findPending(state)) as PendingLogin | undefined)?.uid;
  }

  /** Exchanges the code, checks state/nonce/PKCE and the ID token; returns the local account id. */
  complete(uid: string, originalUrl: string): Promise<string | undefined> {
    return inSpan('external-login callback', this.spanOptions, async (span) => {
      const query = new URL(originalUrl, this.options.issuer).searchParams;
      const state = query.get('state') ?? '';
      const login = (await this.logins.findPending(state)) as PendingLogin | undefined;
      if (!login || login.uid !== uid) return outcome(span, 'unknown_state');
      if (!(await this.logins.takePending(state))) return outcome(span, 'unknown_state');
      const callback = new URL(this.redirectUri);
      callback.search = query.toString();
      const config = await this.configuration();
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims?.sub) return outcome(span, 'no_subject');
      const { account, problems } = accountFromClaims(
        await this.withUserinfo(config, tokens.access_token, claims),
        this.options.externalLogin!.claims,
      );
      // Claim names only: values are personal data.
      for (const problem of problems) this.logger.warn(`claim left out: ${problem}`);
      // With both logins, accounts of both kinds live side by side under their subjects: an
      // identity server subject that is a local account's would take that account over.
      if (
        this.options.externalLogin!.passwordLogin &&
        (await this.host?.findAccount(account.sub))
      ) {
        this.logger.warn('identity server login refused: its subject is a local account');
        return outcome(span, 'local_subject');
      }
      await this.logins.saveAccount(
        account.sub,
        { ...account },
        this.options.sessionTtlSeconds + this.options.refreshTokenTtlSeconds,
      );
      // The identity server's session, for a back-channel logout token that names only `sid`.
      if (typeof claims.sid === 'string' && claims.sid) {
        await this.logins.saveSession(
          claims.sid,
          account.sub,
          this.options.sessionTtlSeconds + this.options.refreshTokenTtlSeconds,
        );
      }
      outcome(span, 'success');
      return account.sub;
    });
  }

  /**
   * The ID token's claims, and with `externalLogin.userinfo` the userinfo claims it lacks
   * (openid-client checks that userinfo names the same `sub`).
   * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse
   */
  private async withUserinfo(
    config: oidc.Configuration,
    accessToken: string,
    idToken: oidc.IDToken,
  ): Promise<Record<string, unknown>> {
    if (!this.options.externalLogin!.userinfo) return idToken;
    const userinfo = await oidc.fetchUserInfo(config, accessToken, idToken.sub);
    return { ...userinfo, ...idToken };
  }

  /** When the identity server last logged `sub` out by back-channel logout (epoch ms), if lately. */
  loggedOutAt(sub: string): Promise<number | undefined> {
    return this.logins.loggedOutAt(sub);
  }

  /** An account that logged in through the external provider. */
  async findAccount(sub: string): Promise<SmartAccountClaims | undefined> {
    if (!this.enabled) return undefined;
    return (await this.logins.findAccount(sub)) as SmartAccountClaims | undefined;
  }
}
