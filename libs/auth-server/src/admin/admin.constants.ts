/** Metadata key of `@AdminScopes()`: the scopes (any one suffices) a route requires. */
export const ADMIN_SCOPES_METADATA = 'smart:admin-scopes';

/** `realm` of the admin API's `WWW-Authenticate` challenges. */
export const ADMIN_REALM = 'smart-admin';

/** Name of the bearer security scheme in the OpenAPI document. */
export const ADMIN_BEARER_SCHEME = 'admin-token';
