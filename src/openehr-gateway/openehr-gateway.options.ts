import type { FactoryProvider, ModuleMetadata, Type } from '@nestjs/common';
import type {
  SmartResourceServerOptions,
  TokenRevocationChecker,
} from '@smart-openehr/resource-server';

/**
 * Options of `OpenEhrGatewayModule.forRoot()`: a SMART-protected reverse proxy in front of an
 * openEHR CDR. Defaults live in {@link OPENEHR_GATEWAY_DEFAULTS}.
 */
export interface OpenEhrGatewayOptions {
  /**
   * URL path the gateway serves, e.g. `/openehr/rest/v1` (a Nest global prefix is added in front).
   * Every request below it is authenticated, authorized and forwarded.
   */
  basePath: string;
  /**
   * Base URL of the CDR's openEHR REST API, e.g. `http://ehrbase:8080/ehrbase/rest/openehr/v1`
   * (env `SMART_OPENEHR_UPSTREAM_URL` in the reference app). Without it every gateway route
   * answers 503 `temporarily_unavailable`.
   * @default undefined
   */
  upstreamUrl?: string;
  /**
   * `Authorization` header value sent to the CDR instead of the app's bearer token, e.g.
   * `Basic ZWhyYmFzZTpzZWNyZXQ=` (env `SMART_OPENEHR_UPSTREAM_AUTHORIZATION`). Without it the
   * header is dropped: the app's token never reaches the CDR.
   * @default undefined
   */
  upstreamAuthorization?: string;
  /**
   * Public URL of `basePath`, e.g. `https://ehr.example.org/openehr/rest/v1` (the
   * `org.openehr.rest` baseUrl): `Location` headers from the CDR are rewritten onto it. Without
   * it they are rewritten onto the request's own origin and path, which trusts `Host`: set it
   * unless a host check stands in front (as `SmartAuthServerModule`'s does).
   * @default undefined
   */
  publicBaseUrl?: string;
  /** How bearer tokens are verified (issuer, audience, …); see `SmartResourceServerOptions`. */
  resourceServer: SmartResourceServerOptions;
  /**
   * Largest body buffered to read a template id or EHR id (composition create/update and query
   * POST with a JSON body); larger ones get 413. Other bodies are streamed without a limit.
   * @default 10485760 (10 MiB)
   */
  maxBufferedBodyBytes?: number;
  /**
   * How long the CDR may take to start answering, in milliseconds (then 504).
   * @default 30000
   */
  upstreamTimeoutMs?: number;
  /**
   * How reads, updates and deletes by composition uid learn the composition's template:
   * `'upstream'` asks the CDR (`GET …/composition/{uid}`, cached), so template-specific scopes
   * work; `'none'` requires a scope matching every template for them.
   * @default 'upstream'
   */
  compositionTemplateLookup?: 'upstream' | 'none';
  /**
   * How revoked access tokens are recognised before they expire: a `TokenRevocationChecker`
   * class provided in the gateway module (its dependencies come from the gateway's imports or
   * global modules). The reference platform passes one that reads the same-process authorization
   * server's revocation list. A gateway in front of a remote issuer uses
   * `resourceServer.revocationFeed` instead.
   * @default undefined (JWTs are accepted until they expire unless `revocationFeed` is set)
   */
  revocationChecker?: Type<TokenRevocationChecker>;
}

/** What `forRootAsync`'s factory returns: everything but the (static) `basePath`. */
export type OpenEhrGatewaySettings = Omit<OpenEhrGatewayOptions, 'basePath' | 'revocationChecker'>;

/** Options of `OpenEhrGatewayModule.forRootAsync()`. */
export interface OpenEhrGatewayAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Static, because routes are registered from it. */
  basePath: string;
  /** Static, because it is a provider; see {@link OpenEhrGatewayOptions.revocationChecker}. */
  revocationChecker?: Type<TokenRevocationChecker>;
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => OpenEhrGatewaySettings | Promise<OpenEhrGatewaySettings>;
}

/** All defaults of {@link OpenEhrGatewayOptions}. */
export const OPENEHR_GATEWAY_DEFAULTS = {
  maxBufferedBodyBytes: 10 * 1024 * 1024,
  upstreamTimeoutMs: 30_000,
  compositionTemplateLookup: 'upstream',
} as const;

/** Gateway options after defaults and validation. */
export interface ResolvedOpenEhrGatewayOptions {
  basePath: string;
  /** Without a trailing slash; `undefined` = no CDR (503). */
  upstreamUrl: string | undefined;
  upstreamAuthorization: string | undefined;
  /** Without a trailing slash; `undefined` = from the request. */
  publicBaseUrl: string | undefined;
  maxBufferedBodyBytes: number;
  upstreamTimeoutMs: number;
  compositionTemplateLookup: 'upstream' | 'none';
}

/** Invalid gateway options, naming the option. */
export class OpenEhrGatewayConfigError extends Error {
  override readonly name = 'OpenEhrGatewayConfigError';
  readonly code = 'ERR_OPENEHR_GATEWAY_CONFIG';

  constructor(
    readonly option: string,
    reason: string,
  ) {
    super(`OpenEhrGatewayOptions.${option} ${reason}`);
  }
}

const KNOWN = new Set<string>([
  'basePath',
  'upstreamUrl',
  'upstreamAuthorization',
  'publicBaseUrl',
  'resourceServer',
  'maxBufferedBodyBytes',
  'upstreamTimeoutMs',
  'compositionTemplateLookup',
  'revocationChecker',
]);

function fail(option: string, reason: string): never {
  throw new OpenEhrGatewayConfigError(option, reason);
}

/** `/openehr/rest/v1` form: one leading slash, no trailing slash, plain path characters. */
export function normaliseBasePath(value: unknown): string {
  if (typeof value !== 'string') fail('basePath', 'must be a string');
  const path = `/${value.replace(/^\/+|\/+$/g, '')}`;
  if (path === '/' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) {
    fail('basePath', 'must be a non-root path of plain segments, e.g. /openehr/rest/v1');
  }
  return path;
}

function upstream(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !URL.canParse(value))
    fail('upstreamUrl', 'must be an absolute URL');
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail('upstreamUrl', 'must be an http(s) URL');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    fail(
      'upstreamUrl',
      'must not carry a query, fragment or credentials (use upstreamAuthorization)',
    );
  }
  return value.replace(/\/+$/, '');
}

function publicBase(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    !URL.canParse(value) ||
    !/^https?:$/.test(new URL(value).protocol)
  )
    fail('publicBaseUrl', 'must be an absolute http(s) URL');
  const url = new URL(value);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    fail('publicBaseUrl', 'must not carry a query, fragment or credentials');
  return value.replace(/\/+$/, '');
}

function integer(option: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    fail(option, `must be an integer between 1 and ${max}`);
  }
  return value;
}

/**
 * Applies {@link OPENEHR_GATEWAY_DEFAULTS} and validates the gateway's own options (the
 * `resourceServer` part is validated by the resource-server library).
 *
 * @throws OpenEhrGatewayConfigError naming the bad option.
 */
export function resolveOpenEhrGatewayOptions(
  input: OpenEhrGatewayOptions,
): ResolvedOpenEhrGatewayOptions {
  const unknown = Object.keys(input).find((key) => !KNOWN.has(key));
  if (unknown !== undefined) fail(unknown, 'is not a known option');
  const authorization = input.upstreamAuthorization;
  if (
    authorization !== undefined &&
    (typeof authorization !== 'string' || !/^[\x21-\x7e][\x20-\x7e]*$/.test(authorization))
  ) {
    fail('upstreamAuthorization', 'must be a printable ASCII header value');
  }
  const lookup =
    input.compositionTemplateLookup ?? OPENEHR_GATEWAY_DEFAULTS.compositionTemplateLookup;
  if (lookup !== 'upstream' && lookup !== 'none')
    fail('compositionTemplateLookup', "must be 'upstream' or 'none'");
  return Object.freeze({
    basePath: normaliseBasePath(input.basePath),
    upstreamUrl: upstream(input.upstreamUrl),
    upstreamAuthorization: authorization === '' ? undefined : authorization,
    publicBaseUrl: publicBase(input.publicBaseUrl),
    maxBufferedBodyBytes: integer(
      'maxBufferedBodyBytes',
      input.maxBufferedBodyBytes,
      OPENEHR_GATEWAY_DEFAULTS.maxBufferedBodyBytes,
      1024 ** 3,
    ),
    upstreamTimeoutMs: integer(
      'upstreamTimeoutMs',
      input.upstreamTimeoutMs,
      OPENEHR_GATEWAY_DEFAULTS.upstreamTimeoutMs,
      600_000,
    ),
    compositionTemplateLookup: lookup,
  });
}
