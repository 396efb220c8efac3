import type {
  ResolvedSecurityOptions,
  SmartLoginThrottleOptions,
  SmartRateLimitOptions,
  SmartSecurityEventsOptions,
  SmartSecurityHeadersOptions,
} from './security.options.js';
import { SECURITY_DEFAULTS } from './security.options.js';
import type { SmartSeedClient } from './seed-client.types.js';
import type {
  ResolvedExternalLoginOptions,
  SmartExternalLoginOptions,
} from './external-login.options.js';
import type { SmartRoutes } from '../common/smart.routes.js';
import type { PageBranding, SmartPageTemplate } from '../pages/page.branding.js';
import type { SmartSigningAlg } from '../vocabulary/signing-alg.types.js';

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

// Access-token signing algorithms; defined with the protocol vocabulary, public from here.
export type { SmartSigningAlg };

/** Options of `SmartAuthServerModule`. Every optional field is defaulted in `SMART_AUTH_SERVER_DEFAULTS`. */
export interface SmartAuthServerOptions {
  /**
   * Issuer identifier: the platform base URL, absolute, without a trailing slash.
   * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Service Discovery)
   */
  issuer: string;
  /**
   * Where the module is mounted in the host's URL space, e.g. `/smart`: discovery
   * (`/smart/.well-known/smart-configuration`), the OAuth endpoints (`/smart/auth/token`), the
   * login, consent and account pages and the admin API all live under it. Set `issuer` to the
   * public origin plus this path, so that `<issuer>/.well-known/smart-configuration` resolves.
   * Static: with `forRootAsync`, pass it beside `useFactory` (it decides the routes before the
   * factory runs).
   * @default '' (the server root)
   */
  mountPath?: string;
  /**
   * The `services` map of the SMART configuration; `org.openehr.rest` is required.
   * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Services)
   */
  services: Record<string, SmartServiceDescription>;
  /**
   * Clients the host declares: created at start, updated when their declaration changes (same
   * validation and audit trail as the admin API). Clients created otherwise are left alone.
   * @default []
   */
  clients?: readonly SmartSeedClient[];
  /**
   * Trust `X-Forwarded-For` / `X-Forwarded-Proto` / `X-Forwarded-Host` from a reverse proxy: the
   * client IP (rate limits), HTTPS detection (HSTS) and the host the request is for, which is then
   * held to `allowedHosts` like `Host`. Published URLs never come from these headers.
   * @default false
   */
  trustProxy?: boolean;
  /**
   * More `host[:port]` names the server answers besides the issuer's host (e.g. an internal name
   * for backend calls). Every other host gets 421 Misdirected Request. An entry without a port
   * matches every port. Requests for these hosts still get the issuer's URLs; browser pages
   * (authorize, logout, interaction, account) are redirected to the issuer's host.
   * @default []
   * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.20
   */
  allowedHosts?: readonly string[];
  /**
   * Path prefixes served whatever the host (e.g. `/health` for load balancers probing by IP).
   * `/health` matches `/health` and everything below it.
   * @default []
   */
  anyHostPaths?: readonly string[];
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
   * Access-token lifetime per client type, in seconds (user-facing flows). Short on purpose: a
   * resource server that verifies JWTs locally without checking the revocation list (the
   * `TokenRevocationChecker` port or the revocation feed) accepts a revoked token until it
   * expires; apps renew with their refresh token.
   * @default { public: 600, 'confidential-symmetric': 600, 'confidential-asymmetric': 600 }
   * @see https://datatracker.ietf.org/doc/html/rfc9700#section-4.14
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
   * Issue a new ID token with every refresh of an `openid` grant. Off by default: OpenID Connect
   * lets a refresh response leave it out (Core 1.0 §12.2), SMART asks for none there, and signing
   * one (RS256) was the largest single cost of a refresh. Apps that read claims again from a
   * refreshed ID token turn it on.
   * @default false
   * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
   */
  idTokenOnRefresh?: boolean;
  /**
   * End-user session lifetime in seconds, counted from the session's last use: each use extends
   * it, stored again once less than 90 % of it is left or when the session changed (so the end
   * may come up to a tenth of this earlier than the last use plus this).
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
   * SQLite only: who copies the write-ahead log back into the database file (a checkpoint, with
   * an `fsync`). `'background'`: a worker thread with its own connection, every 200 ms, so no
   * commit runs it; `'inline'`: SQLite's automatic checkpoint, run by the commit that takes the
   * log past 1,000 pages while the event loop waits (milliseconds to tens of them on a slow
   * disk). No effect on PostgreSQL or `:memory:`.
   * @default 'background'
   */
  sqliteCheckpoints?: 'background' | 'inline';
  /**
   * Scopes that are not SMART grammar but this server knows (admin API, launcher and metrics
   * scraper scopes).
   * @default ['admin', 'launch:create', 'introspect', 'metrics:read']
   */
  extraScopes?: readonly string[];
  /**
   * Hosts whose loopback/private addresses the server may fetch (a client's `jwks_uri`).
   * Every other special-use address (127/8, 10/8, 172.16/12, 192.168/16, 169.254/16, ::1, fc00::/7...) is refused.
   * @default []
   */
  fetchAllowPrivateHosts?: readonly string[];
  /**
   * Largest `jwks_uri` response accepted, in bytes.
   * @default 65536
   */
  fetchMaxBodyBytes?: number;
  /**
   * How long a rotated-out client secret stays valid after `POST /admin/clients/{id}/secret`, in
   * seconds (`0` = the old secret stops working at once). A rotation request may ask for another
   * overlap up to `secretRotationMaxOverlapSeconds`.
   * @default 86400
   * @see https://datatracker.ietf.org/doc/html/rfc6819#section-5.2.3.2
   */
  secretRotationOverlapSeconds?: number;
  /**
   * Longest overlap a rotation request may ask for (`overlap_seconds`), in seconds.
   * @default 604800 (7 days)
   */
  secretRotationMaxOverlapSeconds?: number;
  /**
   * Public dynamic client registration at `{mountPath}/register` (RFC 7591). Off by default: the
   * endpoint then answers 404. When on, clients it creates start `pending` and get no token until
   * an administrator approves them. With `initialAccessToken` set (at least 16 characters), callers
   * must send it as `Authorization: Bearer <token>`.
   * @default { enabled: false }
   * @see https://datatracker.ietf.org/doc/html/rfc7591#section-3
   */
  registration?: SmartRegistrationOptions;
  /** EHR launch handles and launch context. */
  launch?: SmartLaunchOptions;
  /**
   * Origins of the platform's launcher that may frame the login, consent and picker pages
   * (`frame-ancestors`); cookies become `SameSite=None; Secure` when set (HTTPS only).
   * Without any, pages send `frame-ancestors 'none'`.
   * @default []
   */
  launcherOrigins?: readonly string[];
  /**
   * Whether a missing `aud` is refused at the authorization endpoint is `requireAud`; this lists
   * more resource-server base URLs `aud` may name besides the issuer and the `services` base URLs.
   * @default []
   */
  extraAudiences?: readonly string[];
  /**
   * Log users in through an external OpenID Connect provider instead of the built-in login.
   * Register `{issuer}/interaction/callback/idp` as the redirect URI at that provider.
   * @default undefined (built-in login through the host's `CredentialsVerifier`)
   * @see EXTERNAL_LOGIN_DEFAULTS for the defaults inside it
   */
  externalLogin?: SmartExternalLoginOptions;
  /**
   * Rate limits per client and per IP on the token, authorization/PAR, login, registration and
   * introspection endpoints, and backoff after failed authentication (429 with `Retry-After`).
   * @default SECURITY_DEFAULTS.rateLimit (see security/security.options.ts and the README "Security" section)
   * @see https://datatracker.ietf.org/doc/html/rfc6749#section-10.10
   */
  rateLimit?: SmartRateLimitOptions;
  /**
   * Per-account login throttling.
   * @default { maxFailures: 5, windowSeconds: 900, failureDelayMs: 300 }
   */
  loginThrottle?: SmartLoginThrottleOptions;
  /**
   * Security headers (CSP, `frame-ancestors`, `Referrer-Policy`, `X-Content-Type-Options`, HSTS).
   * @default { hstsMaxAgeSeconds: 31536000 }
   */
  securityHeaders?: SmartSecurityHeadersOptions;
  /**
   * Security events as log lines and audit rows.
   * @default { auditTokenIssued: false, fhirAuditEvent: false }
   */
  securityEvents?: SmartSecurityEventsOptions;
  /**
   * How the server-rendered pages (login, picker, consent, account, error pages) look: the
   * platform's name (page titles: `Sign in to <platformName>`), logo, primary colour and an extra
   * stylesheet. The Content-Security-Policy of the pages allows exactly the logo's and the
   * stylesheet's origins besides the page itself. Not `launch.styleUrl`: that one is the SMART
   * style document handed to apps (`smart_style_url`), this one styles the server's own pages.
   * @default { platformName: 'SMART on openEHR', primaryColor: '#1a5fb4' }
   * @see https://www.w3.org/TR/CSP3/#directive-img-src
   */
  branding?: SmartBrandingOptions;
  /**
   * Prometheus metrics (README "Metrics"): counters and histograms of the OAuth endpoints, logins,
   * launches, revocations and rate limits, plus Node's process metrics, served in the text format
   * at `GET {mountPath}/admin/metrics` to callers holding the `admin` or `metrics:read` scope
   * (never on the public OAuth surface), and, with `port`, on a listener of their own. Off by
   * default; when off, the recording calls do nothing.
   * @default { enabled: false, clientLabels: false, host: '127.0.0.1' }
   */
  metrics?: SmartMetricsOptions;
  /**
   * The admin console (README "Admin console"): server-rendered pages at
   * `{mountPath}/admin/console` for the apps, launches, trusted issuers, keys and the audit trail,
   * for users holding `adminRole` who sign in with the built-in login or at the identity server.
   * Off by default: while off, every console path answers 404.
   * @default { enabled: false, adminRole: 'admin', idleTimeoutSeconds: 900 }
   * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
   */
  console?: SmartConsoleOptions;
}

/** The admin console. */
export interface SmartConsoleOptions {
  /** Serve the console. */
  enabled: boolean;
  /**
   * The role (in the account's `roles`, from the host's `AccountResolver` or the identity
   * server's claims) that lets a user sign in to the console. It is not
   * `externalLogin.admin.role`, which admits the identity server's access tokens as bearer tokens
   * on the admin API; set both to the same role for one administrator group.
   * @default 'admin'
   */
  adminRole?: string;
  /**
   * A console session ends after this many seconds without a request (its own cookie, HttpOnly,
   * SameSite=Strict, Secure on https).
   * @default 900
   */
  idleTimeoutSeconds?: number;
}

/** The look of the server-rendered pages. */
export interface SmartBrandingOptions {
  /**
   * The platform's name, shown in every page's banner and title (`Sign in to <platformName>`).
   * @default 'SMART on openEHR'
   */
  platformName?: string;
  /** Absolute http(s) URL of the logo shown beside the name (its origin joins `img-src`). */
  logoUrl?: string;
  /**
   * The primary colour (buttons, banner rule), a CSS hex colour `#rgb` or `#rrggbb`; the button
   * text is black or white, whichever contrasts more.
   * @default '#1a5fb4'
   */
  primaryColor?: string;
  /**
   * Absolute http(s) URL of a stylesheet loaded after the default styles (its origin joins
   * `style-src`), to restyle the pages without replacing them.
   */
  stylesheetUrl?: string;
  /**
   * Replaces the frame of every page (README "Branding and languages"): gets the page's parts
   * (language, escaped title, head, banner, content) and returns the whole document. The content
   * keeps the fixed form fields; the page headers and CSP stay the server's.
   * @default undefined (the built-in frame)
   */
  template?: SmartPageTemplate;
}

/** Prometheus metrics. */
export interface SmartMetricsOptions {
  /** Collect metrics and serve `GET {mountPath}/admin/metrics` (admin scope). */
  enabled: boolean;
  /**
   * Add a `client_id` label to the per-client metrics (tokens issued). Off by default: client ids
   * are unbounded (dynamic registration) and every value is a new time series.
   * @default false
   */
  clientLabels?: boolean;
  /**
   * Also serve `GET /metrics`, without authentication, on this port: a listener of its own,
   * separate from the host's HTTP server, for a scraper inside the network (Keycloak's
   * management-port pattern). Nothing else is served there. Unset: no such listener.
   */
  port?: number;
  /**
   * The address the metrics listener binds. Loopback by default, so nothing is exposed by
   * accident; `0.0.0.0` (or the pod's address) lets a scraper on another host reach it.
   * @default '127.0.0.1'
   */
  host?: string;
}

/** EHR launch and launch-context options. */
export interface SmartLaunchOptions {
  /**
   * Lifetime of a launch handle created with `POST /admin/launches`, in seconds.
   * @default 300
   */
  ttlSeconds?: number;
  /**
   * `launch-base64-json`: launch values are base64url JSON apps may read (`ehrId`, `patient`,
   * `episodeId`) that still carry the server-side handle (decisions.md item 7).
   * @default false
   */
  base64Json?: boolean;
  /**
   * `context-openehr-episode` (experimental): `launch/episode` and `episodeId` in token responses.
   * @default false
   */
  episodeContext?: boolean;
  /**
   * `smart_style_url` returned in token responses (`context-style`); omitted when unset.
   * @default undefined
   */
  styleUrl?: string;
}

/** Options of the public registration endpoint (RFC 7591). */
export interface SmartRegistrationOptions {
  enabled: boolean;
  /** Initial access token callers must present (RFC 7591 section 3); open registration when unset. */
  initialAccessToken?: string;
}

/** All defaults, in one place. */
export const SMART_AUTH_SERVER_DEFAULTS = {
  mountPath: '',
  clients: [],
  trustProxy: false,
  allowedHosts: [],
  anyHostPaths: [],
  pkce: 'all',
  requireAud: true,
  accessTokenTtlSeconds: {
    public: 600,
    'confidential-symmetric': 600,
    'confidential-asymmetric': 600,
  },
  backendAccessTokenTtlSeconds: 300,
  authorizationCodeTtlSeconds: 60,
  refreshTokenTtlSeconds: 30 * 86400,
  idTokenOnRefresh: false,
  sessionTtlSeconds: 86400,
  accessTokenSigningAlg: 'ES256',
  keyRefreshIntervalSeconds: 60,
  cleanupIntervalSeconds: 60,
  sqliteCheckpoints: 'background',
  extraScopes: ['admin', 'launch:create', 'introspect', 'metrics:read'],
  fetchAllowPrivateHosts: [],
  fetchMaxBodyBytes: 65536,
  secretRotationOverlapSeconds: 86400,
  secretRotationMaxOverlapSeconds: 7 * 86400,
  registration: { enabled: false },
  launch: { ttlSeconds: 300, base64Json: false, episodeContext: false },
  launcherOrigins: [],
  extraAudiences: [],
  metrics: { enabled: false, clientLabels: false, host: '127.0.0.1' },
  branding: { platformName: 'SMART on openEHR', primaryColor: '#1a5fb4' },
  console: { enabled: false, adminRole: 'admin', idleTimeoutSeconds: 900 },
  ...SECURITY_DEFAULTS,
} as const satisfies Omit<SmartAuthServerOptions, 'issuer' | 'services'>;

/** Options after defaults and validation: nothing optional except secrets. */
export interface ResolvedSmartAuthServerOptions {
  issuer: string;
  mountPath: string;
  /** Every path the module answers on, under `mountPath`. */
  routes: SmartRoutes;
  services: Record<string, SmartServiceDescription>;
  clients: readonly SmartSeedClient[];
  trustProxy: boolean;
  /** `host[:port]` entries, lower-cased. */
  allowedHosts: readonly string[];
  anyHostPaths: readonly string[];
  pkce: 'all' | 'public-only';
  requireAud: boolean;
  accessTokenTtlSeconds: Record<SmartClientType, number>;
  backendAccessTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  idTokenOnRefresh: boolean;
  sessionTtlSeconds: number;
  accessTokenSigningAlg: SmartSigningAlg;
  keyEncryptionSecret: string | undefined;
  keyRefreshIntervalSeconds: number;
  cleanupIntervalSeconds: number;
  sqliteCheckpoints: 'background' | 'inline';
  extraScopes: readonly string[];
  fetchAllowPrivateHosts: readonly string[];
  fetchMaxBodyBytes: number;
  secretRotationOverlapSeconds: number;
  secretRotationMaxOverlapSeconds: number;
  registration: { enabled: boolean; initialAccessToken: string | undefined };
  launch: {
    ttlSeconds: number;
    base64Json: boolean;
    episodeContext: boolean;
    styleUrl: string | undefined;
  };
  launcherOrigins: readonly string[];
  externalLogin: ResolvedExternalLoginOptions | undefined;
  /** Every value `aud` may take: the issuer, the services' base URLs and `extraAudiences`. */
  audiences: readonly string[];
  rateLimit: ResolvedSecurityOptions['rateLimit'];
  loginThrottle: ResolvedSecurityOptions['loginThrottle'];
  securityHeaders: ResolvedSecurityOptions['securityHeaders'];
  securityEvents: ResolvedSecurityOptions['securityEvents'];
  metrics: Required<Omit<SmartMetricsOptions, 'port'>> & { port: number | undefined };
  branding: PageBranding;
  console: Required<SmartConsoleOptions>;
}
