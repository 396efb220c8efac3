import type { SmartClientType } from '../options/auth-server.options.js';
import { JWT_BEARER_GRANT, type GrantType } from '../vocabulary/grant-type.types.js';

/** SMART launch modes a client may be allowed. */
export const LAUNCH_MODES = ['ehr', 'standalone'] as const;

/**
 * Which grants each client type may use.
 * - public: a browser or native app without a secret: authorization code (+ refresh) only.
 * - confidential-symmetric: shared secret: code, refresh, client_credentials.
 * - confidential-asymmetric: key pair: as above plus the RFC 7523 jwt-bearer grant.
 * @see https://hl7.org/fhir/smart-app-launch/client-authentication.html
 */
export const GRANTS_BY_CLIENT_TYPE: Record<SmartClientType, readonly GrantType[]> = {
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
/** Every client type (the keys of `GRANTS_BY_CLIENT_TYPE`). */
export const CLIENT_TYPES = Object.keys(GRANTS_BY_CLIENT_TYPE) as readonly SmartClientType[];

export const usesClientSecret = (type: SmartClientType): boolean =>
  type === 'confidential-symmetric';
