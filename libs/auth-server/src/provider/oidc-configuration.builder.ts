import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AccountResolver } from '../accounts/account.port.js';
import type { KeyMaterial } from '../keys/signing-keys.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { assertSmartClientAssertion } from './client-assertion.rules.js';
import { logoutSource, postLogoutSuccessSource, renderErrorPage } from './error-page.renderer.js';
import { contextClaims, smartExtraParams } from './smart-authorization.js';
import type { LaunchService } from '../launch/launch.service.js';
import type { SmartContextStore } from '../launch/smart-context.store.js';
import { guardedFetch, type FetchPolicy } from './guarded-fetch.js';

/** Identity scopes the engine knows statically; SMART resource scopes are resolved per request. */
export const IDENTITY_SCOPES = ['openid', 'offline_access', 'online_access', 'fhirUser', 'profile'];

/** Launch-context scopes, static in the engine like the identity scopes. */
export const LAUNCH_SCOPES = ['launch', 'launch/patient', 'launch/encounter', 'launch/episode'];

/** Grant types that exist at all; implicit and password never do. */
export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
];

export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
] as const;

/** Client-assertion algorithms: SMART requires RS384 and ES384. */
export const CLIENT_AUTH_ALGS = ['RS384', 'ES384', 'RS256', 'ES256', 'PS256'];

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

function routes(mount: string): Configuration['routes'] {
  return {
    authorization: `${mount}/authorize`,
    token: `${mount}/token`,
    jwks: `${mount}/jwks`,
    userinfo: `${mount}/userinfo`,
    introspection: `${mount}/introspect`,
    revocation: `${mount}/revoke`,
    end_session: `${mount}/logout`,
    registration: `${mount}/register`,
    pushed_authorization_request: `${mount}/par`,
    code_verification: `${mount}/device`,
    device_authorization: `${mount}/device/auth`,
    backchannel_authentication: `${mount}/backchannel`,
    challenge: `${mount}/challenge`,
    credential: `${mount}/credential`,
  };
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
      clientAuthSigningAlgValues: CLIENT_AUTH_ALGS as never,
      idTokenSigningAlgValues: ['RS256', 'ES256', 'ES384'],
      userinfoSigningAlgValues: ['RS256', 'ES256', 'ES384'],
    },
    pkce: {
      required: (_ctx, client) => options.pkce === 'all' || client.clientAuthMethod === 'none',
    },
    scopes: [...IDENTITY_SCOPES, ...LAUNCH_SCOPES],
    claims: {
      openid: ['sub'],
      fhirUser: ['fhirUser'],
      profile: ['name', 'given_name', 'family_name'],
    },
    conformIdTokenClaims: false,
    // Clock skew on assertion and DPoP times: 10 s accepted, 60 s refused (B.3 clock skew).
    clockTolerance: 10,
    findAccount: async (_ctx, sub) => {
      const account = await accounts.findAccount(sub);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        claims: () => ({ ...account, sub: account.sub }),
      };
    },
    interactions: {
      url: (_ctx, interaction) => `${options.routes.interaction}/${interaction.uid}`,
    },
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
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
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
    renderError: (ctx, out) => renderErrorPage(ctx, out),
    assertJwtClientAuthClaimsAndHeader: (ctx, claims, header, client) =>
      assertSmartClientAssertion(ctx, claims, header, client as never),
    fetch: guardedFetch(deps.fetchPolicy),
    fetchResponseBodyLimits: {
      jwks_uri: deps.fetchPolicy.maxBodyBytes,
      sector_identifier_uri: deps.fetchPolicy.maxBodyBytes,
    },
  };
}
