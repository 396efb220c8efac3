/** A service advertised in the `services` map of `/.well-known/smart-configuration`. */
export interface SmartServiceDescription {
  /** Absolute base URL of the service. */
  baseUrl: string;
  description?: string;
  version?: string;
  documentation?: string;
  openapi?: string;
}

/** How clients are typed; follows from `token_endpoint_auth_method`. */
export type SmartClientType = 'public' | 'confidential-symmetric' | 'confidential-asymmetric';

/** Access-token signing algorithms we generate keys for. */
export type SmartSigningAlg = 'ES256' | 'ES384' | 'RS256';

/** Options of `SmartAuthServerModule`. Every optional field is defaulted in `SMART_AUTH_SERVER_DEFAULTS`. */
export interface SmartAuthServerOptions {
  /**
   * Issuer identifier: the platform base URL, absolute, without a trailing slash.
   * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Service Discovery)
   */
  issuer: string;
  /**
   * Path prefix of the OAuth endpoints (authorize, token, introspect, revoke, jwks, userinfo...).
   * @default '/auth'
   */
  mountPath?: string;
  /**
   * The `services` map of the SMART configuration; `org.openehr.rest` is required.
   * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Services)
   */
  services: Record<string, SmartServiceDescription>;
  /**
   * Trust `X-Forwarded-Proto` / `X-Forwarded-Host` from a reverse proxy.
   * @default false
   */
  trustProxy?: boolean;
  /**
   * Which authorization-code requests need PKCE (S256 only; `plain` is never accepted).
   * `all` follows HL7 SMART 2 and OAuth 2.1; `public-only` lets confidential clients use the secret-only code flow.
   * @default 'all'
   * @see https://hl7.org/fhir/smart-app-launch/app-launch.html#considerations-for-pkce-support
   */
  pkce?: 'all' | 'public-only';
  /**
   * Whether the authorization request must carry `aud`.
   * @default true
   * @see https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-authorization-code
   */
  requireAud?: boolean;
  /**
   * Access-token lifetime per client type, in seconds (user-facing flows).
   * @default { public: 3600, 'confidential-symmetric': 3600, 'confidential-asymmetric': 3600 }
   */
  accessTokenTtlSeconds?: Partial<Record<SmartClientType, number>>;
  /**
   * Access-token lifetime for backend services (client_credentials, jwt-bearer), in seconds.
   * @default 300
   * @see https://hl7.org/fhir/smart-app-launch/backend-services.html
   */
  backendAccessTokenTtlSeconds?: number;
  /**
   * Authorization-code lifetime in seconds.
   * @default 60
   */
  authorizationCodeTtlSeconds?: number;
  /**
   * Refresh-token lifetime in seconds (`offline_access`).
   * @default 2592000 (30 days)
   */
  refreshTokenTtlSeconds?: number;
  /**
   * End-user session lifetime in seconds.
   * @default 86400
   */
  sessionTtlSeconds?: number;
  /**
   * Algorithm that signs JWT access tokens. id_tokens are always RS256, as SMART requires.
   * @default 'ES256'
   */
  accessTokenSigningAlg?: SmartSigningAlg;
  /**
   * Secret that encrypts private signing keys at rest (AES-256-GCM). When unset keys are stored in clear.
   * @default undefined
   */
  keyEncryptionSecret?: string;
  /**
   * How often each instance re-reads the signing keys from the database, in seconds.
   * @default 60
   */
  keyRefreshIntervalSeconds?: number;
  /**
   * How often expired rows (codes, tokens, sessions, replay records, launches) are deleted, in seconds.
   * @default 60
   */
  cleanupIntervalSeconds?: number;
  /**
   * Scopes that are not SMART grammar but this server knows (admin API and launcher scopes).
   * @default ['admin', 'launch:create', 'introspect']
   */
  extraScopes?: readonly string[];
}

/** All defaults, in one place. */
export const SMART_AUTH_SERVER_DEFAULTS = {
  mountPath: '/auth',
  trustProxy: false,
  pkce: 'all',
  requireAud: true,
  accessTokenTtlSeconds: {
    public: 3600,
    'confidential-symmetric': 3600,
    'confidential-asymmetric': 3600,
  },
  backendAccessTokenTtlSeconds: 300,
  authorizationCodeTtlSeconds: 60,
  refreshTokenTtlSeconds: 30 * 86400,
  sessionTtlSeconds: 86400,
  accessTokenSigningAlg: 'ES256',
  keyRefreshIntervalSeconds: 60,
  cleanupIntervalSeconds: 60,
  extraScopes: ['admin', 'launch:create', 'introspect'],
} as const satisfies Omit<SmartAuthServerOptions, 'issuer' | 'services'>;

/** Options after defaults and validation: nothing optional except secrets. */
export interface ResolvedSmartAuthServerOptions {
  issuer: string;
  mountPath: string;
  services: Record<string, SmartServiceDescription>;
  trustProxy: boolean;
  pkce: 'all' | 'public-only';
  requireAud: boolean;
  accessTokenTtlSeconds: Record<SmartClientType, number>;
  backendAccessTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  accessTokenSigningAlg: SmartSigningAlg;
  keyEncryptionSecret: string | undefined;
  keyRefreshIntervalSeconds: number;
  cleanupIntervalSeconds: number;
  extraScopes: readonly string[];
}
