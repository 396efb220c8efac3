/**
 * Request-rate limits of one kind of endpoint, per fixed window of `rateLimit.windowSeconds`.
 * `0` switches that limit off.
 */
export interface SmartEndpointLimits {
  /** Requests per window from one client (after it authenticated). */
  perClient?: number;
  /** Requests per window from one IP address (`trustProxy` decides which address that is). */
  perIp?: number;
}

/**
 * Rate limiting (RFC 6749 §2.3.1 and §10.10 brute-force protection; security-requirements B.1 #43).
 * Over a limit the server answers 429 `temporarily_unavailable` with `Retry-After`.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-10.10
 */
export interface SmartRateLimitOptions {
  /** @default true */
  enabled?: boolean;
  /**
   * Length of the fixed counting window, in seconds.
   * @default 60
   */
  windowSeconds?: number;
  /**
   * Where counters live. `memory`: in this process (one instance). `database`: the `rate_limit`
   * table, shared by every instance (counted in memory and synchronised in batches; exact once
   * a key nears its limit). `auto`: `database` on PostgreSQL, `memory` on SQLite.
   * @default 'auto'
   */
  store?: 'auto' | 'memory' | 'database';
  /**
   * Token endpoint. The defaults are ceilings against runaway or abusive sources, above what one
   * busy integration sends; set them to your traffic (see the README "Security" section).
   * @default { perClient: 60000, perIp: 120000 }
   */
  token?: SmartEndpointLimits;
  /**
   * Authorization and pushed-authorization-request endpoints (per IP only: the client is not
   * authenticated there).
   * @default { perIp: 30000 }
   */
  authorize?: Pick<SmartEndpointLimits, 'perIp'>;
  /**
   * Login form submissions (`POST /interaction/{uid}/login`, and the account page's
   * `POST /account/apps/login`).
   * @default { perIp: 12000 }
   */
  login?: Pick<SmartEndpointLimits, 'perIp'>;
  /**
   * Dynamic client registration (`POST {mountPath}/auth/register`).
   * @default { perIp: 20 }
   */
  registration?: Pick<SmartEndpointLimits, 'perIp'>;
  /**
   * Introspection and revocation.
   * @default { perIp: 300000 }
   */
  introspection?: Pick<SmartEndpointLimits, 'perIp'>;
  /**
   * Failed authentications (client authentication at the token, PAR, introspection and
   * revocation endpoints, and failed logins) per IP and window; beyond it that IP gets 429 on
   * those endpoints until the window ends (backoff after failed authentication).
   * @default 50
   */
  failedAuthPerIp?: number;
  /**
   * `database` store: how often each instance writes its counts, in milliseconds.
   * @default 1000
   */
  syncIntervalMs?: number;
  /**
   * `database` store: once a key's count reaches this fraction of its limit, every hit is
   * counted in the database at once (atomic upsert) instead of in the next batch.
   * @default 0.5
   */
  exactFraction?: number;
}

/**
 * Per-account login throttling: after `maxFailures` failed logins for one username (whether it
 * exists or not, so the answer reveals nothing) within `windowSeconds`, further attempts for it
 * are refused with 429 until the window ends. Each failure is answered after `failureDelayMs`.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-10.10
 */
export interface SmartLoginThrottleOptions {
  /** @default 5 */
  maxFailures?: number;
  /** @default 900 */
  windowSeconds?: number;
  /** @default 300 */
  failureDelayMs?: number;
}

/** Security headers on every answer (B.1 #15). */
export interface SmartSecurityHeadersOptions {
  /**
   * `Strict-Transport-Security` max-age, sent when the request came over HTTPS or the issuer is
   * an https URL; `0` sends none.
   * @default 31536000
   * @see https://datatracker.ietf.org/doc/html/rfc6797
   */
  hstsMaxAgeSeconds?: number;
}

/**
 * Security events (logins, tokens issued and refused, replays, refresh-token reuse, rate
 * limiting, admin actions): a structured log line each, and an audit-trail row for everything
 * but issued tokens (see `auditTokenIssued`).
 */
export interface SmartSecurityEventsOptions {
  /**
   * Also write an audit row per issued token (costs one database insert per token).
   * @default false
   */
  auditTokenIssued?: boolean;
  /**
   * Log each event as a FHIR R4 `AuditEvent` resource (field `fhirAuditEvent` of the log line).
   * @default false
   * @see https://hl7.org/fhir/R4/auditevent.html
   */
  fhirAuditEvent?: boolean;
}

/** Resolved security options (nothing optional). */
export interface ResolvedSecurityOptions {
  rateLimit: {
    enabled: boolean;
    windowSeconds: number;
    store: 'auto' | 'memory' | 'database';
    token: { perClient: number; perIp: number };
    authorize: { perIp: number };
    login: { perIp: number };
    registration: { perIp: number };
    introspection: { perIp: number };
    failedAuthPerIp: number;
    syncIntervalMs: number;
    exactFraction: number;
  };
  loginThrottle: { maxFailures: number; windowSeconds: number; failureDelayMs: number };
  securityHeaders: { hstsMaxAgeSeconds: number };
  securityEvents: { auditTokenIssued: boolean; fhirAuditEvent: boolean };
}

/** Defaults of the security options (merged into `SMART_AUTH_SERVER_DEFAULTS`). */
export const SECURITY_DEFAULTS = {
  rateLimit: {
    enabled: true,
    windowSeconds: 60,
    store: 'auto',
    token: { perClient: 60_000, perIp: 120_000 },
    authorize: { perIp: 30_000 },
    login: { perIp: 12_000 },
    registration: { perIp: 20 },
    introspection: { perIp: 300_000 },
    failedAuthPerIp: 50,
    syncIntervalMs: 1000,
    exactFraction: 0.5,
  },
  loginThrottle: { maxFailures: 5, windowSeconds: 900, failureDelayMs: 300 },
  securityHeaders: { hstsMaxAgeSeconds: 31_536_000 },
  securityEvents: { auditTokenIssued: false, fhirAuditEvent: false },
} as const satisfies ResolvedSecurityOptions;
