import type { SmartClientType } from '../options/auth-server.options.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Grant types a client may register; `password` and `implicit` never exist here. */
export const REGISTRABLE_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  JWT_BEARER_GRANT,
] as const;

/** Grants that never exist on this server, whatever the configuration (RFC 9700 section 2.4). */
export const FORBIDDEN_GRANT_TYPES = ['password', 'implicit'] as const;

/** `token_endpoint_auth_method` values a client may register; each decides the client type. */
export const CLIENT_AUTH_METHODS = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
] as const;

/** Algorithms a `private_key_jwt` client may sign its assertions (and declare keys) with. */
export const CLIENT_ASSERTION_ALGS = ['RS256', 'RS384', 'PS256', 'ES256', 'ES384'] as const;

/** SMART launch modes a client may be allowed. */
export const LAUNCH_MODES = ['ehr', 'standalone'] as const;

/**
 * Which grants each client type may use.
 * - public: a browser or native app without a secret: authorization code (+ refresh) only.
 * - confidential-symmetric: shared secret: code, refresh, client_credentials.
 * - confidential-asymmetric: key pair: as above plus the RFC 7523 jwt-bearer grant.
 * @see https://hl7.org/fhir/smart-app-launch/client-authentication.html
 */
export const GRANTS_BY_CLIENT_TYPE: Record<SmartClientType, readonly string[]> = {
  public: ['authorization_code', 'refresh_token'],
  'confidential-symmetric': ['authorization_code', 'refresh_token', 'client_credentials'],
  'confidential-asymmetric': [
    'authorization_code',
    'refresh_token',
    'client_credentials',
    JWT_BEARER_GRANT,
  ],
};

/** Whether the client type authenticates with a secret this server issues. */
export const usesClientSecret = (type: SmartClientType): boolean =>
  type === 'confidential-symmetric';
