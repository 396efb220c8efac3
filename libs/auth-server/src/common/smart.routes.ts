/**
 * Every path the auth server answers on, under the module's mount path (`''` = the server root).
 * Built once from the options; nothing else spells these paths.
 */
export interface SmartRoutes {
  /** The mount path itself: `''` or `/smart`. */
  base: string;
  /** OAuth / OpenID Connect endpoints (authorize, token, introspect, revoke, jwks, ...). */
  oauth: string;
  /** `/.well-known` documents (smart-configuration, openid-configuration). */
  wellKnown: string;
  /** Login, picker and consent pages of an authorization request. */
  interaction: string;
  /** The account page (`management_endpoint`). */
  account: string;
  /** The admin REST API (and its OpenAPI document at `${admin}/docs`). */
  admin: string;
  /** The admin console's pages (`${admin}/console`). */
  console: string;
}

/**
 * The path segments under the mount path, as the controllers declare them (Nest prefixes them with
 * the mount path) and as `smartRoutes` spells them.
 */
export const ROUTE_SEGMENTS = {
  oauth: 'auth',
  wellKnown: '.well-known',
  interaction: 'interaction',
  account: 'account/apps',
  admin: 'admin',
  console: 'admin/console',
} as const;

/** The routes of a module mounted at `mountPath`. */
export function smartRoutes(mountPath: string): SmartRoutes {
  const at = (segment: string) => `${mountPath}/${segment}`;
  return {
    base: mountPath,
    oauth: at(ROUTE_SEGMENTS.oauth),
    wellKnown: at(ROUTE_SEGMENTS.wellKnown),
    interaction: at(ROUTE_SEGMENTS.interaction),
    account: at(ROUTE_SEGMENTS.account),
    admin: at(ROUTE_SEGMENTS.admin),
    console: at(ROUTE_SEGMENTS.console),
  };
}

/**
 * The endpoints under the OAuth path (`SmartRoutes.oauth`) that the engine can serve, keyed by
 * oidc-provider's route names, as path segments. Some are disabled there and served by Nest
 * controllers on the same path instead (introspection, revocation, userinfo, registration).
 */
export const ENGINE_ENDPOINTS = {
  authorization: 'authorize',
  token: 'token',
  jwks: 'jwks',
  userinfo: 'userinfo',
  introspection: 'introspect',
  revocation: 'revoke',
  end_session: 'logout',
  registration: 'register',
  pushed_authorization_request: 'par',
  code_verification: 'device',
  device_authorization: 'device/auth',
  backchannel_authentication: 'backchannel',
  challenge: 'challenge',
  credential: 'credential',
} as const;

/** Every endpoint under the OAuth path: the engine's, and the revocation feed only we have. */
const OAUTH_ENDPOINTS = { ...ENGINE_ENDPOINTS, revocation_feed: 'revocations' } as const;

export type OAuthEndpoint = keyof typeof OAUTH_ENDPOINTS;

/** The path of an OAuth endpoint, e.g. `/smart/auth/token` (prefix it with the origin for a URL). */
export const oauthEndpointPath = (routes: Pick<SmartRoutes, 'oauth'>, endpoint: OAuthEndpoint) =>
  `${routes.oauth}/${OAUTH_ENDPOINTS[endpoint]}`;

/** The route an endpoint's controller declares (Nest prefixes it with the mount path). */
export const oauthEndpointRoute = (endpoint: OAuthEndpoint) =>
  `${ROUTE_SEGMENTS.oauth}/${OAUTH_ENDPOINTS[endpoint]}`;
