/** The paths of the documents the auth server publishes at the root mount. */
export const SMART = '/.well-known/smart-configuration';
export const OIDC = '/.well-known/openid-configuration';
export const JWKS = '/auth/jwks';
export const DOCUMENTS = [SMART, OIDC, JWKS];
