import { SmartResourceServerConfigError } from './errors/resource-server-config.error.js';

/**
 * JWS algorithms the resource server can verify (asymmetric only: `none` and `HS*` can never be
 * configured, so a public key can never be abused as an HMAC secret).
 */
export type JwsAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

/** Every value of {@link JwsAlgorithm}. */
export const SUPPORTED_JWS_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
]);

/**
 * How `patient/` scopes treat AQL execution (`query.aql`, `query.execute`):
 * - `'refuse'`: patient scopes never allow running a query; only `user/` and `system/` do. The
 *   resource server cannot see which EHRs a query touches, so this is the safe default.
 * - `'ehr-id-parameter'`: a patient scope allows a query when the request names exactly the
 *   token's EHR in its `ehr_id` parameter. Only use this when the CDR restricts such queries to
 *   that EHR.
 */
export type PatientQueryPolicy = 'refuse' | 'ehr-id-parameter';

/**
 * RFC 7662 introspection, used for bearer tokens that are not JWTs (opaque tokens).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662
 */
export interface IntrospectionOptions {
  /** Absolute URL of the issuer's introspection endpoint. */
  endpoint: string;
  /** Client id of this resource server at the issuer (`client_secret_basic`). */
  clientId: string;
  /** Client secret of this resource server at the issuer (`client_secret_basic`). */
  clientSecret: string;
  /**
   * Require the introspection response to carry an `aud` naming one of {@link
   * SmartResourceServerOptions.audience}. Turn off only for issuers that omit `aud`.
   * @default true
   */
  requireAudience?: boolean;
}

/**
 * The authorization server's revocation feed (`GET …/revocations?since=<cursor>`), polled so that
 * revoked JWT access tokens are refused before they expire. Authenticates with
 * `client_secret_basic`; the client needs the `introspect` scope.
 */
export interface RevocationFeedOptions {
  /** Absolute URL of the feed, e.g. `https://ehr.example.org/auth/revocations`. */
  endpoint: string;
  /** Client id of this resource server at the issuer. */
  clientId: string;
  /** Client secret of this resource server at the issuer. */
  clientSecret: string;
  /**
   * Seconds between two polls: a revocation takes effect here within this (plus one request).
   * @default 5
   */
  pollIntervalSeconds?: number;
  /**
   * When the feed could not be read for this many seconds, every token is refused with 503
   * (fail closed) until it can. Must exceed `pollIntervalSeconds`.
   * @default 30
   */
  maxStalenessSeconds?: number;
}

/**
 * Options of `SmartResourceServerModule.forRoot()` / `forRootAsync()`. Defaults live in
 * {@link SMART_RESOURCE_SERVER_DEFAULTS}; the options are validated once by
 * {@link resolveResourceServerOptions}. The library never reads `process.env`.
 */
export interface SmartResourceServerOptions {
  /**
   * The authorization server's issuer identifier; must equal the `iss` claim exactly.
   * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
   */
  issuer: string;
  /**
   * This resource server's identifier(s): the token's `aud` must contain one of them (SMART `aud`,
   * usually the platform's openEHR base URL).
   * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
   */
  audience: string | readonly string[];
  /**
   * URL of the issuer's JWKS. When absent it is discovered lazily from `jwks_uri` in
   * `${issuer}/.well-known/openid-configuration`.
   * @default undefined (discovery)
   * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
   */
  jwksUri?: string;
  /**
   * Accepted JWS `alg` values (asymmetric only).
   * @default ['ES256', 'ES384', 'RS256', 'RS384', 'PS256']
   * @see https://www.rfc-editor.org/rfc/rfc8725#section-3.1
   */
  algorithms?: readonly JwsAlgorithm[];
  /**
   * Clock skew tolerated on `exp` and `nbf`, in seconds (0–300).
   * @default 5
   * @see https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4
   */
  clockToleranceSeconds?: number;
  /**
   * How long a fetched JWKS is used before it is fetched again, in seconds.
   * @default 600
   */
  jwksCacheMaxAgeSeconds?: number;
  /**
   * Minimum time between two JWKS refetches caused by a token with an unknown `kid`, in seconds,
   * so that tokens with random `kid`s cannot make this server hammer the issuer.
   * @default 30
   */
  jwksRefetchCooldownSeconds?: number;
  /**
   * Timeout of each HTTP call to the issuer (discovery, JWKS, introspection), in milliseconds.
   * @default 5000
   */
  httpTimeoutMs?: number;
  /**
   * How many verified JWT access tokens are remembered (with their context, until they expire),
   * so that the same token sent again skips signature verification. Emptied whenever the JWKS is
   * fetched. 0 verifies every request.
   * @default 10000
   */
  verifiedTokenCacheSize?: number;
  /**
   * Introspection for opaque (non-JWT) bearer tokens. Without it, only JWT access tokens work.
   * @default undefined (opaque tokens are refused with `invalid_token`)
   * @see https://www.rfc-editor.org/rfc/rfc7662
   */
  introspection?: IntrospectionOptions;
  /**
   * Positive introspection results are cached for min(token `exp`, this many seconds).
   * @default 60
   */
  introspectionCacheMaxAgeSeconds?: number;
  /**
   * `realm` of the `WWW-Authenticate` challenge.
   * @default 'openehr'
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
   */
  realm?: string;
  /**
   * Required JWT `typ` header (compared without the `application/` prefix, case-insensitively):
   * RFC 9068 access tokens carry `at+jwt`, which stops an ID token from being replayed as an
   * access token. `false` disables the check (not recommended).
   * @default 'at+jwt'
   * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
   */
  requireTokenType?: string | false;
  /**
   * Whether `patient/` scopes may run AQL queries; see {@link PatientQueryPolicy}.
   * @default 'refuse'
   */
  patientQueries?: PatientQueryPolicy;
  /**
   * Poll the issuer's revocation feed and refuse revoked JWT access tokens (staleness bound:
   * `pollIntervalSeconds`). A same-process authorization server is wired through the
   * `TokenRevocationChecker` port instead.
   * @default undefined (JWTs are accepted until they expire, unless a checker is provided)
   */
  revocationFeed?: RevocationFeedOptions;
}

/** All defaults of {@link SmartResourceServerOptions}, in one place. */
export const SMART_RESOURCE_SERVER_DEFAULTS = {
  algorithms: ['ES256', 'ES384', 'RS256', 'RS384', 'PS256'],
  clockToleranceSeconds: 5,
  jwksCacheMaxAgeSeconds: 600,
  jwksRefetchCooldownSeconds: 30,
  verifiedTokenCacheSize: 10_000,
  httpTimeoutMs: 5000,
  introspectionCacheMaxAgeSeconds: 60,
  introspectionRequireAudience: true,
  realm: 'openehr',
  requireTokenType: 'at+jwt',
  patientQueries: 'refuse',
  revocationFeedPollIntervalSeconds: 5,
  revocationFeedMaxStalenessSeconds: 30,
} as const satisfies {
  algorithms: readonly JwsAlgorithm[];
  realm: string;
  requireTokenType: string;
  patientQueries: PatientQueryPolicy;
  [key: string]: unknown;
};

/** Introspection settings after resolution. */
export interface ResolvedIntrospectionOptions {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  requireAudience: boolean;
}

/** Revocation-feed settings after resolution. */
export interface ResolvedRevocationFeedOptions {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  pollIntervalSeconds: number;
  maxStalenessSeconds: number;
}

/** {@link SmartResourceServerOptions} after defaults and validation; what the library injects. */
export interface ResolvedSmartResourceServerOptions {
  issuer: string;
  audience: readonly string[];
  /** Explicit JWKS URL, or `undefined` to discover it from {@link discoveryUrl}. */
  jwksUri: string | undefined;
  discoveryUrl: string;
  algorithms: readonly JwsAlgorithm[];
  clockToleranceSeconds: number;
  jwksCacheMaxAgeSeconds: number;
  jwksRefetchCooldownSeconds: number;
  verifiedTokenCacheSize: number;
  httpTimeoutMs: number;
  introspection: ResolvedIntrospectionOptions | undefined;
  introspectionCacheMaxAgeSeconds: number;
  realm: string;
  requireTokenType: string | false;
  patientQueries: PatientQueryPolicy;
  revocationFeed: ResolvedRevocationFeedOptions | undefined;
}

const OPTION_NAMES: ReadonlySet<string> = new Set<keyof SmartResourceServerOptions>([
  'issuer',
  'audience',
  'jwksUri',
  'algorithms',
  'clockToleranceSeconds',
  'jwksCacheMaxAgeSeconds',
  'jwksRefetchCooldownSeconds',
  'verifiedTokenCacheSize',
  'httpTimeoutMs',
  'introspection',
  'introspectionCacheMaxAgeSeconds',
  'realm',
  'requireTokenType',
  'patientQueries',
  'revocationFeed',
]);
const FEED_NAMES: ReadonlySet<string> = new Set<keyof RevocationFeedOptions>([
  'endpoint',
  'clientId',
  'clientSecret',
  'pollIntervalSeconds',
  'maxStalenessSeconds',
]);
const INTROSPECTION_NAMES: ReadonlySet<string> = new Set<keyof IntrospectionOptions>([
  'endpoint',
  'clientId',
  'clientSecret',
  'requireAudience',
]);
const REALM = /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/;

function fail(option: string, reason: string): never {
  throw new SmartResourceServerConfigError(option, reason);
}

function httpUrl(option: string, value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value)) fail(option, 'must be an absolute URL');
  const { protocol } = new URL(value);
  if (protocol !== 'https:' && protocol !== 'http:') fail(option, 'must be an http(s) URL');
  return value;
}

function integer(option: string, value: unknown, fallback: number, min: number, max: number) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(option, `must be an integer between ${min} and ${max}`);
  }
  return value;
}

function nonEmpty(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail(option, 'must be a non-empty string');
  return value;
}

function rejectUnknown(prefix: string, input: object, known: ReadonlySet<string>): void {
  const unknown = Object.keys(input).find((key) => !known.has(key));
  if (unknown !== undefined) fail(`${prefix}${unknown}`, 'is not a known option');
}

function resolveAudience(value: unknown): readonly string[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail('audience', 'must name at least one audience');
  return Object.freeze(
    list.map((entry, i) => nonEmpty(Array.isArray(value) ? `audience[${i}]` : 'audience', entry)),
  );
}

function resolveAlgorithms(value: unknown): readonly JwsAlgorithm[] {
  if (value === undefined) return SMART_RESOURCE_SERVER_DEFAULTS.algorithms;
  if (!Array.isArray(value) || value.length === 0) fail('algorithms', 'must be a non-empty array');
  value.forEach((alg: unknown, i) => {
    if (!SUPPORTED_JWS_ALGORITHMS.includes(alg as JwsAlgorithm)) {
      fail(`algorithms[${i}]`, `must be one of ${SUPPORTED_JWS_ALGORITHMS.join(', ')}`);
    }
  });
  return Object.freeze([...(value as JwsAlgorithm[])]);
}

function resolveIntrospection(value: unknown): ResolvedIntrospectionOptions | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') fail('introspection', 'must be an object');
  rejectUnknown('introspection.', value, INTROSPECTION_NAMES);
  const input = value as Partial<IntrospectionOptions>;
  const requireAudience =
    input.requireAudience ?? SMART_RESOURCE_SERVER_DEFAULTS.introspectionRequireAudience;
  if (typeof requireAudience !== 'boolean')
    fail('introspection.requireAudience', 'must be a boolean');
  return {
    endpoint: httpUrl('introspection.endpoint', input.endpoint),
    clientId: nonEmpty('introspection.clientId', input.clientId),
    clientSecret: nonEmpty('introspection.clientSecret', input.clientSecret),
    requireAudience,
  };
}

function resolveRevocationFeed(value: unknown): ResolvedRevocationFeedOptions | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') fail('revocationFeed', 'must be an object');
  rejectUnknown('revocationFeed.', value, FEED_NAMES);
  const input = value as Partial<RevocationFeedOptions>;
  const defaults = SMART_RESOURCE_SERVER_DEFAULTS;
  const pollIntervalSeconds = integer(
    'revocationFeed.pollIntervalSeconds',
    input.pollIntervalSeconds,
    defaults.revocationFeedPollIntervalSeconds,
    1,
    300,
  );
  const maxStalenessSeconds = integer(
    'revocationFeed.maxStalenessSeconds',
    input.maxStalenessSeconds,
    Math.max(defaults.revocationFeedMaxStalenessSeconds, pollIntervalSeconds * 3),
    2,
    3600,
  );
  if (maxStalenessSeconds <= pollIntervalSeconds) {
    fail('revocationFeed.maxStalenessSeconds', 'must exceed revocationFeed.pollIntervalSeconds');
  }
  return {
    endpoint: httpUrl('revocationFeed.endpoint', input.endpoint),
    clientId: nonEmpty('revocationFeed.clientId', input.clientId),
    clientSecret: nonEmpty('revocationFeed.clientSecret', input.clientSecret),
    pollIntervalSeconds,
    maxStalenessSeconds,
  };
}

function resolveTokenType(value: unknown): string | false {
  if (value === undefined) return SMART_RESOURCE_SERVER_DEFAULTS.requireTokenType;
  if (value === false) return false;
  return nonEmpty('requireTokenType', value);
}

function resolvePatientQueries(value: unknown): PatientQueryPolicy {
  if (value === undefined) return SMART_RESOURCE_SERVER_DEFAULTS.patientQueries;
  if (value !== 'refuse' && value !== 'ehr-id-parameter') {
    fail('patientQueries', "must be 'refuse' or 'ehr-id-parameter'");
  }
  return value;
}

function resolveRealm(value: unknown): string {
  if (value === undefined) return SMART_RESOURCE_SERVER_DEFAULTS.realm;
  if (typeof value !== 'string' || !REALM.test(value)) {
    fail('realm', 'must be non-empty printable ASCII without " or \\');
  }
  return value;
}

/**
 * Applies {@link SMART_RESOURCE_SERVER_DEFAULTS} and validates the options once, at boot.
 *
 * @throws SmartResourceServerConfigError naming the first bad option path.
 */
export function resolveResourceServerOptions(
  input: SmartResourceServerOptions,
): ResolvedSmartResourceServerOptions {
  if (input === null || typeof input !== 'object') fail('(root)', 'must be an object');
  rejectUnknown('', input, OPTION_NAMES);
  const issuer = httpUrl('issuer', input.issuer);
  const defaults = SMART_RESOURCE_SERVER_DEFAULTS;
  return Object.freeze({
    issuer,
    audience: resolveAudience(input.audience),
    jwksUri: input.jwksUri === undefined ? undefined : httpUrl('jwksUri', input.jwksUri),
    discoveryUrl: `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
    algorithms: resolveAlgorithms(input.algorithms),
    clockToleranceSeconds: integer(
      'clockToleranceSeconds',
      input.clockToleranceSeconds,
      defaults.clockToleranceSeconds,
      0,
      300,
    ),
    jwksCacheMaxAgeSeconds: integer(
      'jwksCacheMaxAgeSeconds',
      input.jwksCacheMaxAgeSeconds,
      defaults.jwksCacheMaxAgeSeconds,
      0,
      86_400,
    ),
    jwksRefetchCooldownSeconds: integer(
      'jwksRefetchCooldownSeconds',
      input.jwksRefetchCooldownSeconds,
      defaults.jwksRefetchCooldownSeconds,
      0,
      3600,
    ),
    verifiedTokenCacheSize: integer(
      'verifiedTokenCacheSize',
      input.verifiedTokenCacheSize,
      defaults.verifiedTokenCacheSize,
      0,
      1_000_000,
    ),
    httpTimeoutMs: integer(
      'httpTimeoutMs',
      input.httpTimeoutMs,
      defaults.httpTimeoutMs,
      1,
      120_000,
    ),
    introspection: resolveIntrospection(input.introspection),
    introspectionCacheMaxAgeSeconds: integer(
      'introspectionCacheMaxAgeSeconds',
      input.introspectionCacheMaxAgeSeconds,
      defaults.introspectionCacheMaxAgeSeconds,
      0,
      3600,
    ),
    realm: resolveRealm(input.realm),
    requireTokenType: resolveTokenType(input.requireTokenType),
    patientQueries: resolvePatientQueries(input.patientQueries),
    revocationFeed: resolveRevocationFeed(input.revocationFeed),
  });
}
