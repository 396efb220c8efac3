import type { SmartExternalLoginOptions } from '@smart-openehr/auth-server';

/** The reference platform's configuration, read from the environment once at start. */
export interface AppConfig {
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Prefix of the auth server's tables, indexes and channels (`SMART_TABLE_PREFIX`); `''` = none. */
  tablePrefix: string;
  keyEncryptionSecret: string | undefined;
  trustProxy: boolean;
  /** Other `host[:port]` names served besides the public URL's (`SMART_ALLOWED_HOSTS`). */
  allowedHosts: string[];
  openehrBaseUrl: string;
  fhirBaseUrl: string | undefined;
  adminClientId: string | undefined;
  adminClientSecret: string | undefined;
  logLevel: string;
  pkce: 'all' | 'public-only';
  requireAud: boolean;
  openehrUpstreamUrl: string | undefined;
  openehrUpstreamAuthorization: string | undefined;
  registrationEnabled: boolean;
  registrationInitialAccessToken: string | undefined;
  secretRotationOverlapSeconds: number;
  secretRotationMaxOverlapSeconds: number;
  fetchAllowPrivateHosts: string[];
  usersFile: string;
  /** The external identity server (`SMART_IDP_*`); unset claim settings take the library defaults. */
  idp: SmartExternalLoginOptions | undefined;
  launcherOrigins: string[];
  launchTtlSeconds: number;
  launchBase64Json: boolean;
  episodeContext: boolean;
  /** A new ID token with every refresh (`SMART_ID_TOKEN_ON_REFRESH`, default false). */
  idTokenOnRefresh: boolean;
  styleUrl: string | undefined;
  /**
   * The pages' look (`SMART_BRAND_NAME`, `SMART_BRAND_LOGO_URL`, `SMART_BRAND_PRIMARY_COLOR`,
   * `SMART_BRAND_STYLESHEET_URL`); unset values take the library defaults.
   */
  branding: {
    platformName?: string;
    logoUrl?: string;
    primaryColor?: string;
    stylesheetUrl?: string;
  };
  /** Rate limits, login throttling, security headers and events; unset values take the library defaults. */
  security: SecurityConfig;
  /**
   * Prometheus metrics at `GET /admin/metrics` (`SMART_METRICS_ENABLED`,
   * `SMART_METRICS_CLIENT_LABELS`), and on a port of their own (`SMART_METRICS_PORT`,
   * `SMART_METRICS_HOST`).
   */
  metrics: { enabled: boolean; clientLabels: boolean; port: number | undefined; host: string };
  /**
   * The admin console at `/admin/console` (`SMART_CONSOLE_ENABLED`, `SMART_CONSOLE_ADMIN_ROLE`,
   * `SMART_CONSOLE_IDLE_TIMEOUT_SECONDS`); unset values take the library's defaults.
   */
  console: { enabled: boolean; adminRole?: string; idleTimeoutSeconds?: number };
}

/** The security options read from `SMART_RATE_LIMIT_*`, `SMART_LOGIN_*`, `SMART_HSTS_*`, `SMART_AUDIT_*`. */
interface SecurityConfig {
  rateLimit: {
    enabled?: boolean;
    windowSeconds?: number;
    store?: 'auto' | 'memory' | 'database';
    token: { perClient?: number; perIp?: number };
    authorize: { perIp?: number };
    login: { perIp?: number };
    registration: { perIp?: number };
    introspection: { perIp?: number };
    failedAuthPerIp?: number;
  };
  loginThrottle: { maxFailures?: number; windowSeconds?: number; failureDelayMs?: number };
  securityHeaders: { hstsMaxAgeSeconds?: number };
  securityEvents: { auditTokenIssued?: boolean; fhirAuditEvent?: boolean };
}

/** Thrown with every bad variable listed; the server does not start. */
export class EnvConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n  - ${problems.join('\n  - ')}`);
    this.name = 'EnvConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The auth server's rule for table prefixes (`smartAuthNamingStrategy`), `''` included. */
const TABLE_PREFIX_SYNTAX = /^([a-z][a-z0-9_]{0,20})?$/;

/** `host[:port]`: a DNS name, IPv4 address or bracketed IPv6 address, without a scheme. */
const HOST_SYNTAX = /^(\[[0-9a-f:.]+\]|[a-z0-9_~-]+(\.[a-z0-9_~-]+)*)(:\d{1,5})?$/;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string, fallback?: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  url(name: string, fallback?: string): string | undefined {
    const v = this.str(name, fallback);
    if (v === undefined) return undefined;
    if (!URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol) || v.endsWith('/')) {
      this.problems.push(
        `${name} must be an absolute http(s) URL without a trailing slash (got "${v}")`,
      );
      // Values derived from this one are not reported again.
      return fallback === v ? undefined : fallback;
    }
    return v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.str(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${v}")`);
      return fallback;
    }
    return n;
  }

  list(name: string): string[] {
    return (this.str(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.str(name);
    if (v === undefined) return fallback;
    if (!['true', 'false', '1', '0'].includes(v)) {
      this.problems.push(`${name} must be true or false (got "${v}")`);
    }
    return v === 'true' || v === '1';
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.str(name, fallback) as T;
    if (!allowed.includes(v)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${v}")`);
    }
    return v;
  }
}

/** Reads and validates the environment; throws `EnvConfigError` listing every bad variable. */
export function loadConfig(env: Env): AppConfig {
  const r = new Reader(env);
  const port = r.int('PORT', 3000, 0, 65535);
  const publicUrl = r.url('SMART_PUBLIC_URL', `http://localhost:${port}`)!;
  const databaseUrl = r.str('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    r.problems.push('DATABASE_URL must be a postgres:// URL (unset it for embedded SQLite)');
  }
  const tablePrefix = r.str('SMART_TABLE_PREFIX', '')!;
  if (!TABLE_PREFIX_SYNTAX.test(tablePrefix)) {
    r.problems.push(
      `SMART_TABLE_PREFIX must be lower-case letters, digits and _ starting with a letter, at most 21 characters (got "${tablePrefix}")`,
    );
  }
  const secret = r.str('SMART_KEY_ENCRYPTION_SECRET');
  if (secret !== undefined && secret.length < 16) {
    r.problems.push('SMART_KEY_ENCRYPTION_SECRET must be at least 16 characters');
  }
  const adminClientId = r.str('SMART_ADMIN_CLIENT_ID');
  const adminClientSecret = r.str('SMART_ADMIN_CLIENT_SECRET');
  if (Boolean(adminClientId) !== Boolean(adminClientSecret)) {
    r.problems.push('SMART_ADMIN_CLIENT_ID and SMART_ADMIN_CLIENT_SECRET must be set together');
  }
  if (adminClientSecret !== undefined && adminClientSecret.length < 16) {
    r.problems.push('SMART_ADMIN_CLIENT_SECRET must be at least 16 characters');
  }
  const registrationToken = r.str('SMART_REGISTRATION_INITIAL_ACCESS_TOKEN');
  if (registrationToken !== undefined && registrationToken.length < 16) {
    r.problems.push('SMART_REGISTRATION_INITIAL_ACCESS_TOKEN must be at least 16 characters');
  }
  const rotationMaxOverlap = r.int(
    'SMART_SECRET_ROTATION_MAX_OVERLAP_SECONDS',
    604800,
    0,
    31536000,
  );
  const rotationOverlap = r.int('SMART_SECRET_ROTATION_OVERLAP_SECONDS', 86400, 0, 31536000);
  if (rotationOverlap > rotationMaxOverlap) {
    r.problems.push(
      'SMART_SECRET_ROTATION_OVERLAP_SECONDS must not exceed SMART_SECRET_ROTATION_MAX_OVERLAP_SECONDS',
    );
  }
  const config: AppConfig = {
    port,
    publicUrl,
    dataDir: r.str('DATA_DIR', './data')!,
    databaseUrl,
    tablePrefix,
    keyEncryptionSecret: secret,
    trustProxy: r.bool('SMART_TRUST_PROXY', false),
    allowedHosts: r.list('SMART_ALLOWED_HOSTS').map((h) => h.toLowerCase()),
    openehrBaseUrl: r.url('SMART_OPENEHR_BASE_URL', `${publicUrl}/openehr/rest/v1`)!,
    fhirBaseUrl: r.url('SMART_FHIR_BASE_URL'),
    adminClientId,
    adminClientSecret,
    logLevel: r.oneOf('LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    pkce: r.oneOf('SMART_PKCE', 'all', ['all', 'public-only']),
    requireAud: r.bool('SMART_REQUIRE_AUD', true),
    openehrUpstreamUrl: r.url('SMART_OPENEHR_UPSTREAM_URL'),
    openehrUpstreamAuthorization: r.str('SMART_OPENEHR_UPSTREAM_AUTHORIZATION'),
    fetchAllowPrivateHosts: r.list('SMART_FETCH_ALLOW_PRIVATE_HOSTS'),
    usersFile: r.str('SMART_USERS_FILE', './config/demo-users.json')!,
    idp: undefined,
    launcherOrigins: [],
    launchTtlSeconds: r.int('SMART_LAUNCH_TTL_SECONDS', 300, 10, 3600),
    launchBase64Json: r.bool('SMART_LAUNCH_BASE64_JSON', false),
    episodeContext: r.bool('SMART_EPISODE_CONTEXT', false),
    idTokenOnRefresh: r.bool('SMART_ID_TOKEN_ON_REFRESH', false),
    styleUrl: r.url('SMART_STYLE_URL'),
    branding: readBranding(r),
    registrationEnabled: r.bool('SMART_REGISTRATION_ENABLED', false),
    registrationInitialAccessToken: registrationToken,
    secretRotationOverlapSeconds: rotationOverlap,
    secretRotationMaxOverlapSeconds: rotationMaxOverlap,
    security: readSecurity(r),
    console: {
      enabled: r.bool('SMART_CONSOLE_ENABLED', false),
      adminRole: r.str('SMART_CONSOLE_ADMIN_ROLE'),
      idleTimeoutSeconds:
        r.str('SMART_CONSOLE_IDLE_TIMEOUT_SECONDS') === undefined
          ? undefined
          : r.int('SMART_CONSOLE_IDLE_TIMEOUT_SECONDS', 0, 1, 86400),
    },
    metrics: {
      enabled: r.bool('SMART_METRICS_ENABLED', false),
      clientLabels: r.bool('SMART_METRICS_CLIENT_LABELS', false),
      port:
        r.str('SMART_METRICS_PORT') === undefined
          ? undefined
          : r.int('SMART_METRICS_PORT', 0, 1, 65535),
      host: r.str('SMART_METRICS_HOST', '127.0.0.1')!,
    },
  };
  config.idp = readIdp(r);
  for (const host of config.allowedHosts) {
    if (!HOST_SYNTAX.test(host) || Number(/:(\d+)$/.exec(host)?.[1] ?? 0) > 65535) {
      r.problems.push(
        `SMART_ALLOWED_HOSTS must list host[:port] names like auth.internal:3000 (got "${host}")`,
      );
    }
  }
  if (config.metrics.port !== undefined && config.metrics.port === config.port) {
    r.problems.push(
      'SMART_METRICS_PORT must differ from PORT (the metrics have a listener of their own)',
    );
  }
  if (config.metrics.port !== undefined && !config.metrics.enabled) {
    r.problems.push('SMART_METRICS_PORT needs SMART_METRICS_ENABLED=true');
  }
  config.launcherOrigins = r.list('SMART_LAUNCHER_ORIGINS');
  for (const origin of config.launcherOrigins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      r.problems.push(
        `SMART_LAUNCHER_ORIGINS must list origins like https://ehr.example.org (got "${origin}")`,
      );
    }
  }
  if (r.problems.length > 0) throw new EnvConfigError(r.problems);
  return config;
}

/** A claim name or dotted path (`attributes.ehr_id`), as the auth server accepts it. */
const CLAIM_PATH = /^[^.\s]+(\.[^.\s]+)*$/;

/** Reads `SMART_IDP_*`: the external identity server, its claim mapping (unset: library defaults). */
function readIdp(r: Reader): SmartExternalLoginOptions | undefined {
  const issuer = r.url('SMART_IDP_ISSUER');
  const clientId = r.str('SMART_IDP_CLIENT_ID');
  const clientSecret = r.str('SMART_IDP_CLIENT_SECRET');
  const required = [issuer, clientId, clientSecret];
  if (required.some(Boolean) && !required.every(Boolean)) {
    r.problems.push(
      'SMART_IDP_ISSUER, SMART_IDP_CLIENT_ID and SMART_IDP_CLIENT_SECRET must be set together',
    );
  }
  const claim = (name: string): string | undefined => {
    const v = r.str(name);
    if (v !== undefined && !CLAIM_PATH.test(v)) {
      r.problems.push(`${name} must be a claim name or a dotted path like a.b (got "${v}")`);
    }
    return v;
  };
  const claims = (name: string): string[] | undefined => {
    const list = r.list(name);
    for (const v of list.filter((v) => !CLAIM_PATH.test(v))) {
      r.problems.push(`${name} must list claim names or dotted paths (got "${v}")`);
    }
    return list.length ? list : undefined;
  };
  const bool = (name: string): boolean | undefined =>
    r.str(name) === undefined ? undefined : r.bool(name, false);
  const mapping = {
    fhirUser: claim('SMART_IDP_CLAIM_FHIR_USER'),
    ehrId: claim('SMART_IDP_CLAIM_EHR_ID'),
    patient: claim('SMART_IDP_CLAIM_PATIENT'),
    name: claims('SMART_IDP_CLAIM_NAME'),
    roles: {
      claim: claim('SMART_IDP_CLAIM_ROLES'),
      realm: bool('SMART_IDP_ROLES_REALM'),
      clients: r.list('SMART_IDP_ROLES_CLIENT').length
        ? r.list('SMART_IDP_ROLES_CLIENT')
        : undefined,
    },
  };
  const userinfo = bool('SMART_IDP_USERINFO');
  const passwordLogin = bool('SMART_IDP_PASSWORD_LOGIN');
  const adminAudience = r.str('SMART_IDP_ADMIN_AUDIENCE');
  const adminRole = r.str('SMART_IDP_ADMIN_ROLE');
  if (Boolean(adminAudience) !== Boolean(adminRole)) {
    r.problems.push('SMART_IDP_ADMIN_AUDIENCE and SMART_IDP_ADMIN_ROLE must be set together');
  }
  if (!issuer || !clientId || !clientSecret) return undefined;
  return {
    issuer,
    clientId,
    clientSecret,
    scope: r.str('SMART_IDP_SCOPE'),
    claims: mapping,
    userinfo,
    passwordLogin,
    admin: adminAudience && adminRole ? { audience: adminAudience, role: adminRole } : undefined,
  };
}

/** Reads the branding variables; the library checks them again (`branding.*`). */
function readBranding(r: Reader): AppConfig['branding'] {
  const platformName = r.str('SMART_BRAND_NAME')?.trim();
  if (platformName !== undefined && (platformName === '' || platformName.length > 100)) {
    r.problems.push('SMART_BRAND_NAME must be 1 to 100 characters');
  }
  const primaryColor = r.str('SMART_BRAND_PRIMARY_COLOR');
  if (primaryColor !== undefined && !/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(primaryColor)) {
    r.problems.push(
      `SMART_BRAND_PRIMARY_COLOR must be a CSS hex colour like #1a5fb4 (got "${primaryColor}")`,
    );
  }
  return {
    platformName,
    logoUrl: r.url('SMART_BRAND_LOGO_URL'),
    primaryColor,
    stylesheetUrl: r.url('SMART_BRAND_STYLESHEET_URL'),
  };
}

/** Reads the security variables; an unset one stays undefined (the library default applies). */
function readSecurity(r: Reader): SecurityConfig {
  const int = (name: string, min: number, max: number): number | undefined =>
    r.str(name) === undefined ? undefined : r.int(name, 0, min, max);
  const bool = (name: string): boolean | undefined =>
    r.str(name) === undefined ? undefined : r.bool(name, false);
  const limit = (name: string) => int(`SMART_RATE_LIMIT_${name}`, 0, 10_000_000);
  const store = r.str('SMART_RATE_LIMIT_STORE');
  return {
    rateLimit: {
      enabled: bool('SMART_RATE_LIMIT_ENABLED'),
      windowSeconds: int('SMART_RATE_LIMIT_WINDOW_SECONDS', 1, 86400),
      store:
        store === undefined
          ? undefined
          : r.oneOf<'auto' | 'memory' | 'database'>('SMART_RATE_LIMIT_STORE', 'auto', [
              'auto',
              'memory',
              'database',
            ]),
      token: { perClient: limit('TOKEN_PER_CLIENT'), perIp: limit('TOKEN_PER_IP') },
      authorize: { perIp: limit('AUTHORIZE_PER_IP') },
      login: { perIp: limit('LOGIN_PER_IP') },
      registration: { perIp: limit('REGISTRATION_PER_IP') },
      introspection: { perIp: limit('INTROSPECTION_PER_IP') },
      failedAuthPerIp: limit('FAILED_AUTH_PER_IP'),
    },
    loginThrottle: {
      maxFailures: int('SMART_LOGIN_MAX_FAILURES', 0, 1000),
      windowSeconds: int('SMART_LOGIN_LOCK_SECONDS', 1, 86400),
      failureDelayMs: int('SMART_LOGIN_FAILURE_DELAY_MS', 0, 10_000),
    },
    securityHeaders: { hstsMaxAgeSeconds: int('SMART_HSTS_MAX_AGE_SECONDS', 0, 63_072_000) },
    securityEvents: {
      auditTokenIssued: bool('SMART_AUDIT_TOKEN_ISSUED'),
      fhirAuditEvent: bool('SMART_SECURITY_EVENTS_FHIR'),
    },
  };
}
