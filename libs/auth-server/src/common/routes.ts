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
  };
}
