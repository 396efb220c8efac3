import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { IDENTITY_NAMES, LAUNCH_SCOPE_NAMES } from '@smart-openehr/scopes';
import type { AccountResolver } from '../accounts/account.port.js';
import { ENGINE_ENDPOINTS } from '../common/smart.routes.js';
import { CLIENT_AUTH_METHODS } from '../vocabulary/client-auth-method.types.js';
import { ASSERTION_CLOCK_SKEW_SECONDS } from '../vocabulary/clock-skew.constants.js';
import { CLIENT_ASSERTION_ALGS, TOKEN_SIGNING_ALGS } from '../vocabulary/signing-alg.types.js';
import type { KeyMaterial } from '../keys/signing-keys.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { assertSmartClientAssertion } from './client-assertion.rules.js';
import { logoutSource, postLogoutSuccessSource, renderErrorPage } from './error-page.renderer.js';
import { PAGE_LOCALES } from '../pages/page.locale.js';
import { contextClaims, smartExtraParams } from './smart-authorization.rules.js';
import { loadSessionGrant, smartPrompts } from './engine-prompts.policy.js';
import type { LaunchService } from '../launch/launch.service.js';
import type { SmartContextStore } from '../launch/smart-context.store.js';
import { guardedFetch, type FetchPolicy } from './guarded-fetch.factory.js';

/** The pluggable policy decisions the engine asks for. */
export interface EnginePolicy {
  /** Scopes (space-separated) the resource server grants for this request and client. */
  resourceScope(ctx: KoaContextWithOIDC, clientId: string): Promise<string>;
  /** Access-token lifetime in seconds for this client. */
  accessTokenTtl(clientAuthMethod: string, grantType: string | undefined): number;
}

export interface EngineDependencies {
  options: ResolvedSmartAuthServerOptions;
  keys: KeyMaterial;
  adapter: Configuration['adapter'];
  accounts: AccountResolver;
  policy: EnginePolicy;
  fetchPolicy: FetchPolicy;
  launches: LaunchService;
  contexts: SmartContextStore;
}

/** Framed by a launcher (EHR launch in an iframe) needs SameSite=None, which needs HTTPS. */
export function cookieSameSite(options: ResolvedSmartAuthServerOptions): 'none' | 'lax' {
  return options.launcherOrigins.length > 0 && options.issuer.startsWith('https:') ? 'none' : 'lax';
}

/** The engine's endpoint paths, from the one list in `common/smart.routes.ts`. */
function routes(oauthPath: string): Configuration['routes'] {
  return Object.fromEntries(
    Object.entries(ENGINE_ENDPOINTS).map(([name, segment]) => [name, `${oauthPath}/${segment}`]),
  );
}

/**
 * Builds oidc-provider's configuration from the resolved options. The engine decides protocol
 * details; SMART policy plugs in through `policy` and `accounts`.
 * @see https://github.com/panva/node-oidc-provider/tree/main/docs
 */
export function buildOidcConfiguration(deps: EngineDependencies): Configuration {
  const { options, keys, accounts, policy } = deps;
  const resource = options.issuer;
  return {
    adapter: deps.adapter,
    clients: [],
    jwks: { keys: keys.jwks as unknown as NonNullable<Configuration['jwks']>['keys'] },
    cookies: {
      keys: keys.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: cookieSameSite(options) },
      short: { signed: true, httpOnly: true, sameSite: cookieSameSite(options) },
    },
    routes: routes(options.routes.oauth),
    responseTypes: ['code'],
    // SMART: redirect_uri is a required authorization parameter, even with one registered.
    allowOmittingSingleRegisteredRedirectUri: false,
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    enabledJWA: {
      clientAuthSigningAlgValues: [...CLIENT_ASSERTION_ALGS],
      idTokenSigningAlgValues: [...TOKEN_SIGNING_ALGS],
      userinfoSigningAlgValues: [...TOKEN_SIGNING_ALGS],
    },
    pkce: {
      required: (_ctx, client) => options.pkce === 'all' || client.clientAuthMethod === 'none',
    },
    scopes: [...IDENTITY_NAMES, ...LAUNCH_SCOPE_NAMES],
    claims: {
      openid: ['sub'],
      fhirUser: ['fhirUser'],
      profile: ['name', 'given_name', 'family_name'],
    },
    conformIdTokenClaims: false,
    // Clock skew on assertion and DPoP times: 10 s accepted, 60 s refused (B.3 clock skew).
    clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
    findAccount: async (_ctx, sub) => {
      const account = await accounts.findAccount(sub);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        claims: () => ({ ...account, sub: account.sub }),
      };
    },
    // The pages' languages (`ui_locales` is honoured on every page of the interaction).
    discovery: { ui_locales_supported: [...PAGE_LOCALES] },
    interactions: {
      url: (_ctx, interaction) => `${options.routes.interaction}/${interaction.uid}`,
      policy: smartPrompts(),
    },
    loadExistingGrant: loadSessionGrant,
    extraParams: smartExtraParams(options, deps.launches),
    extraTokenClaims: (_ctx, token) =>
      contextClaims(deps.contexts, (token as { grantId?: string }).grantId),
    issueRefreshToken: (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') &&
      (code.scopes.has('offline_access') || code.scopes.has('online_access')),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: logoutSource(options),
        postLogoutSuccessSource: postLogoutSuccessSource(options),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: async (ctx, indicator, client) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          const grantType = ctx.oidc.params?.grant_type as string | undefined;
          return {
            scope: await policy.resourceScope(ctx, client.clientId),
            audience: resource,
            accessTokenTTL: policy.accessTokenTtl(client.clientAuthMethod ?? 'none', grantType),
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: options.accessTokenSigningAlg } },
          };
        },
      },
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600,
      ClientCredentials: (_ctx, token) =>
        token.resourceServer?.accessTokenTTL ?? options.backendAccessTokenTtlSeconds,
      AuthorizationCode: options.authorizationCodeTtlSeconds,
      IdToken: 3600,
      RefreshToken: options.refreshTokenTtlSeconds,
      Interaction: 3600,
      Session: options.sessionTtlSeconds,
      Grant: options.refreshTokenTtlSeconds,
    },
    rotateRefreshToken: (ctx) => ctx.oidc.client?.clientAuthMethod === 'none',
    renderError: (ctx, out) => renderErrorPage(ctx, out, options),
    assertJwtClientAuthClaimsAndHeader: (ctx, claims, header, client) =>
      assertSmartClientAssertion(ctx, claims, header, client as never),
    fetch: guardedFetch(deps.fetchPolicy),
    fetchResponseBodyLimits: {
      jwks_uri: deps.fetchPolicy.maxBodyBytes,
      sector_identifier_uri: deps.fetchPolicy.maxBodyBytes,
    },
  };
}
