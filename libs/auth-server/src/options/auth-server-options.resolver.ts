import { SmartAuthConfigError } from './auth-config.error.js';
import {
  SMART_AUTH_SERVER_DEFAULTS as D,
  type ResolvedSmartAuthServerOptions,
  type SmartAuthServerOptions,
  type SmartServiceDescription,
} from './auth-server.options.js';

const SIGNING_ALGS = ['ES256', 'ES384', 'RS256'] as const;

function absoluteUrl(option: string, value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new SmartAuthConfigError(option, 'must be an absolute URL');
  }
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SmartAuthConfigError(option, 'must be an http(s) URL');
  }
  if (url.search || url.hash || value.endsWith('/')) {
    throw new SmartAuthConfigError(option, 'must not have a query, a fragment or a trailing slash');
  }
  return value;
}

function positiveInt(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new SmartAuthConfigError(option, 'must be a positive integer');
  }
  return value;
}

function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new SmartAuthConfigError(option, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function resolveServices(input: unknown): Record<string, SmartServiceDescription> {
  if (input === null || typeof input !== 'object') {
    throw new SmartAuthConfigError('services', 'must be an object keyed by service id');
  }
  const services = input as Record<string, SmartServiceDescription>;
  if (!services['org.openehr.rest']) {
    throw new SmartAuthConfigError('services', 'must contain org.openehr.rest');
  }
  for (const [id, service] of Object.entries(services)) {
    absoluteUrl(`services.${id}.baseUrl`, service?.baseUrl);
  }
  return services;
}

function resolveMountPath(value: string): string {
  if (!/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(value)) {
    throw new SmartAuthConfigError('mountPath', 'must be a path like /auth (no trailing slash)');
  }
  return value;
}

/**
 * Applies defaults and validates, once, at boot. Throws `SmartAuthConfigError` naming the option.
 */
export function resolveAuthServerOptions(
  input: SmartAuthServerOptions,
): ResolvedSmartAuthServerOptions {
  const ttl = { ...D.accessTokenTtlSeconds, ...input.accessTokenTtlSeconds };
  for (const [type, seconds] of Object.entries(ttl)) {
    positiveInt(`accessTokenTtlSeconds.${type}`, seconds);
  }
  const secret = input.keyEncryptionSecret;
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < 16)) {
    throw new SmartAuthConfigError('keyEncryptionSecret', 'must be at least 16 characters');
  }
  const extraScopes = input.extraScopes ?? D.extraScopes;
  if (!Array.isArray(extraScopes) || extraScopes.some((s) => !/^[!#-[\]-~]+$/.test(String(s)))) {
    throw new SmartAuthConfigError('extraScopes', 'must be a list of scope tokens');
  }
  return {
    issuer: absoluteUrl('issuer', input.issuer),
    mountPath: resolveMountPath(input.mountPath ?? D.mountPath),
    services: resolveServices(input.services),
    trustProxy: Boolean(input.trustProxy ?? D.trustProxy),
    pkce: oneOf('pkce', input.pkce ?? D.pkce, ['all', 'public-only']),
    requireAud: Boolean(input.requireAud ?? D.requireAud),
    accessTokenTtlSeconds: ttl,
    backendAccessTokenTtlSeconds: positiveInt(
      'backendAccessTokenTtlSeconds',
      input.backendAccessTokenTtlSeconds ?? D.backendAccessTokenTtlSeconds,
    ),
    authorizationCodeTtlSeconds: positiveInt(
      'authorizationCodeTtlSeconds',
      input.authorizationCodeTtlSeconds ?? D.authorizationCodeTtlSeconds,
    ),
    refreshTokenTtlSeconds: positiveInt(
      'refreshTokenTtlSeconds',
      input.refreshTokenTtlSeconds ?? D.refreshTokenTtlSeconds,
    ),
    sessionTtlSeconds: positiveInt(
      'sessionTtlSeconds',
      input.sessionTtlSeconds ?? D.sessionTtlSeconds,
    ),
    accessTokenSigningAlg: oneOf(
      'accessTokenSigningAlg',
      input.accessTokenSigningAlg ?? D.accessTokenSigningAlg,
      SIGNING_ALGS,
    ),
    keyEncryptionSecret: secret,
    keyRefreshIntervalSeconds: positiveInt(
      'keyRefreshIntervalSeconds',
      input.keyRefreshIntervalSeconds ?? D.keyRefreshIntervalSeconds,
    ),
    cleanupIntervalSeconds: positiveInt(
      'cleanupIntervalSeconds',
      input.cleanupIntervalSeconds ?? D.cleanupIntervalSeconds,
    ),
    extraScopes,
  };
}
