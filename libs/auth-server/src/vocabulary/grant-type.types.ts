/** RFC 7523 section 2.1: a JWT from a trusted issuer exchanged for an access token. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Every grant type this server has, in the order discovery lists them (`grant_types_supported`).
 * A client registers a subset of these (which one depends on its type, see `GRANTS_BY_CLIENT_TYPE`).
 */
export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  JWT_BEARER_GRANT,
] as const;

export type GrantType = (typeof GRANT_TYPES)[number];

/** Grants where no user is involved: the backend-services flows, with their own scope rules. */
export const BACKEND_GRANT_TYPES = [
  'client_credentials',
  JWT_BEARER_GRANT,
] as const satisfies readonly GrantType[];

/** Grants that never exist on this server, whatever the configuration (RFC 9700 section 2.4). */
export const FORBIDDEN_GRANT_TYPES = ['password', 'implicit'] as const;
