import type { SmartSeedClient } from './seed-client.types.js';
import { smartRoutes } from '../common/smart.routes.js';
import { SmartAuthConfigError } from './auth-config.error.js';
import {
  absoluteUrl,
  bool,
  nonEmptyString,
  nonNegativeInt,
  object,
  oneOf,
  positiveInt,
  stringList,
  tcpPort,
} from './option-value.validators.js';
import { resolveExternalLogin } from './external-login-options.resolver.js';
import { resolveSecurityOptions } from './security-options.resolver.js';
import { parseHost } from '../common/host.rules.js';
import {
  SMART_AUTH_SERVER_DEFAULTS as D,
  type ResolvedSmartAuthServerOptions,
  type SmartAuthServerOptions,
  type SmartServiceDescription,
} from './auth-server.options.js';
import { TOKEN_SIGNING_ALGS } from '../vocabulary/signing-alg.types.js';

function resolveRegistration(
  input: SmartAuthServerOptions['registration'],
): ResolvedSmartAuthServerOptions['registration'] {
  const value = input ?? D.registration;
  if (value === null || typeof value !== 'object' || typeof value.enabled !== 'boolean') {
    throw new SmartAuthConfigError('registration.enabled', 'must be a boolean');
  }
  const token = (value as { initialAccessToken?: unknown }).initialAccessToken;
  if (token !== undefined && (typeof token !== 'string' || token.length < 16)) {
    throw new SmartAuthConfigError(
      'registration.initialAccessToken',
      'must be at least 16 characters',
    );
  }
  return { enabled: value.enabled, initialAccessToken: token };
}

function resolveSecretRotation(input: SmartAuthServerOptions): {
  secretRotationOverlapSeconds: number;
  secretRotationMaxOverlapSeconds: number;
} {
  const overlap = nonNegativeInt(
    'secretRotationOverlapSeconds',
    input.secretRotationOverlapSeconds ?? D.secretRotationOverlapSeconds,
  );
  const max = nonNegativeInt(
    'secretRotationMaxOverlapSeconds',
    input.secretRotationMaxOverlapSeconds ?? D.secretRotationMaxOverlapSeconds,
  );
  if (overlap > max) {
    throw new SmartAuthConfigError(
      'secretRotationOverlapSeconds',
      'must not exceed secretRotationMaxOverlapSeconds',
    );
  }
  return { secretRotationOverlapSeconds: overlap, secretRotationMaxOverlapSeconds: max };
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

function resolveAllowedHosts(value: readonly unknown[]): readonly string[] {
  return stringList('allowedHosts', value).map((entry) => {
    if (!parseHost(entry)) {
      throw new SmartAuthConfigError(
        'allowedHosts',
        `must list host[:port] names like auth.internal:3000 (got ${entry})`,
      );
    }
    return entry.trim().toLowerCase();
  });
}

function resolveAnyHostPaths(value: readonly unknown[]): readonly string[] {
  return stringList('anyHostPaths', value).map((path) => {
    if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) {
      throw new SmartAuthConfigError('anyHostPaths', `must list paths like /health (got ${path})`);
    }
    return path;
  });
}

function resolveMountPath(value: unknown): string {
  if (value === '') return '';
  if (typeof value !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) {
    throw new SmartAuthConfigError(
      'mountPath',
      "must be '' or a path like /smart (no trailing slash)",
    );
  }
  return value;
}

/**
 * Applies defaults and validates, once, at boot. Throws `SmartAuthConfigError` naming the option.
 */
function resolveLaunch(
  input: SmartAuthServerOptions['launch'],
): ResolvedSmartAuthServerOptions['launch'] {
  const launch = { ...D.launch, ...input };
  return {
    ttlSeconds: positiveInt('launch.ttlSeconds', launch.ttlSeconds),
    base64Json: Boolean(launch.base64Json),
    episodeContext: Boolean(launch.episodeContext),
    styleUrl:
      launch.styleUrl === undefined ? undefined : absoluteUrl('launch.styleUrl', launch.styleUrl),
  };
}

function resolveMetrics(
  input: SmartAuthServerOptions['metrics'],
): ResolvedSmartAuthServerOptions['metrics'] {
  const metrics = { ...D.metrics, ...object('metrics', input) };
  if (metrics.port !== undefined && metrics.enabled !== true) {
    throw new SmartAuthConfigError('metrics.port', 'needs metrics.enabled: true');
  }
  return {
    enabled: bool('metrics.enabled', metrics.enabled),
    clientLabels: bool('metrics.clientLabels', metrics.clientLabels),
    port: metrics.port === undefined ? undefined : tcpPort('metrics.port', metrics.port),
    host: nonEmptyString('metrics.host', metrics.host),
  };
}

function resolveConsole(
  input: SmartAuthServerOptions['console'],
): ResolvedSmartAuthServerOptions['console'] {
  const given = object('console', input);
  return {
    enabled: bool('console.enabled', given.enabled ?? D.console.enabled),
    adminRole: nonEmptyString('console.adminRole', given.adminRole ?? D.console.adminRole),
    idleTimeoutSeconds: positiveInt(
      'console.idleTimeoutSeconds',
      given.idleTimeoutSeconds ?? D.console.idleTimeoutSeconds,
    ),
  };
}

const HEX_COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** An absolute http(s) URL of a page asset (logo, stylesheet): a query is fine, credentials are not. */
function assetUrl(option: string, value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new SmartAuthConfigError(option, 'must be an absolute URL');
  }
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SmartAuthConfigError(option, 'must be an http(s) URL');
  }
  if (url.username || url.password) {
    throw new SmartAuthConfigError(option, 'must not carry credentials');
  }
  return value;
}

function resolveBranding(
  input: SmartAuthServerOptions['branding'],
): ResolvedSmartAuthServerOptions['branding'] {
  const given = object('branding', input);
  // An option given as undefined (e.g. an unset env variable) keeps its default.
  const branding = {
    ...given,
    platformName: given.platformName ?? D.branding.platformName,
    primaryColor: given.primaryColor ?? D.branding.primaryColor,
  };
  const platformName = nonEmptyString('branding.platformName', branding.platformName).trim();
  if (platformName.length > 100) {
    throw new SmartAuthConfigError('branding.platformName', 'must be at most 100 characters');
  }
  if (typeof branding.primaryColor !== 'string' || !HEX_COLOR.test(branding.primaryColor)) {
    throw new SmartAuthConfigError(
      'branding.primaryColor',
      'must be a CSS hex colour like #1a5fb4 or #15b',
    );
  }
  if (branding.template !== undefined && typeof branding.template !== 'function') {
    throw new SmartAuthConfigError('branding.template', 'must be a function');
  }
  const url = (key: 'logoUrl' | 'stylesheetUrl') =>
    branding[key] === undefined ? undefined : assetUrl(`branding.${key}`, branding[key]);
  return {
    platformName,
    logoUrl: url('logoUrl'),
    primaryColor: branding.primaryColor.toLowerCase(),
    stylesheetUrl: url('stylesheetUrl'),
    template: branding.template,
  };
}

function resolveOrigins(option: string, value: readonly unknown[]): readonly string[] {
  return stringList(option, value).map((origin) => {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new SmartAuthConfigError(
        option,
        `must list origins like https://ehr.example.org (got ${origin})`,
      );
    }
    return origin;
  });
}

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
  const mountPath = resolveMountPath(input.mountPath ?? D.mountPath);
  return {
    issuer: absoluteUrl('issuer', input.issuer),
    mountPath,
    routes: smartRoutes(mountPath),
    services: resolveServices(input.services),
    clients: resolveSeedClients(input.clients ?? D.clients),
    trustProxy: Boolean(input.trustProxy ?? D.trustProxy),
    allowedHosts: resolveAllowedHosts(input.allowedHosts ?? D.allowedHosts),
    anyHostPaths: resolveAnyHostPaths(input.anyHostPaths ?? D.anyHostPaths),
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
    idTokenOnRefresh: bool('idTokenOnRefresh', input.idTokenOnRefresh ?? D.idTokenOnRefresh),
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
      TOKEN_SIGNING_ALGS,
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
    sqliteCheckpoints: oneOf('sqliteCheckpoints', input.sqliteCheckpoints ?? D.sqliteCheckpoints, [
      'background',
      'inline',
    ]),
    extraScopes,
    fetchAllowPrivateHosts: stringList(
      'fetchAllowPrivateHosts',
      input.fetchAllowPrivateHosts ?? D.fetchAllowPrivateHosts,
    ),
    fetchMaxBodyBytes: positiveInt(
      'fetchMaxBodyBytes',
      input.fetchMaxBodyBytes ?? D.fetchMaxBodyBytes,
    ),
    launch: resolveLaunch(input.launch),
    externalLogin: resolveExternalLogin(input.externalLogin),
    launcherOrigins: resolveOrigins('launcherOrigins', input.launcherOrigins ?? D.launcherOrigins),
    audiences: [
      input.issuer,
      ...Object.values(input.services ?? {}).map((s) => s.baseUrl),
      ...stringList('extraAudiences', input.extraAudiences ?? D.extraAudiences).map((u, i) =>
        absoluteUrl(`extraAudiences[${i}]`, u),
      ),
    ],
    ...resolveSecretRotation(input),
    registration: resolveRegistration(input.registration),
    metrics: resolveMetrics(input.metrics),
    branding: resolveBranding(input.branding),
    console: resolveConsole(input.console),
    ...resolveSecurityOptions(input),
  };
}

/** Declared clients: shape only here; the metadata is validated like any client's at start. */
function resolveSeedClients(clients: unknown): readonly SmartSeedClient[] {
  if (!Array.isArray(clients)) throw new SmartAuthConfigError('clients', 'must be a list');
  const ids = new Set<string>();
  return clients.map((client: Partial<SmartSeedClient> | null, i) => {
    const id = client?.clientId;
    if (typeof id !== 'string' || !id || ids.has(id)) {
      throw new SmartAuthConfigError(`clients[${i}].clientId`, 'must be a unique non-empty string');
    }
    ids.add(id);
    if (typeof client?.metadata !== 'object' || client.metadata === null) {
      throw new SmartAuthConfigError(`clients[${i}].metadata`, 'must be an object');
    }
    if (client.secret !== undefined && (typeof client.secret !== 'string' || !client.secret)) {
      throw new SmartAuthConfigError(`clients[${i}].secret`, 'must be a non-empty string');
    }
    return {
      clientId: id,
      metadata: client.metadata,
      secret: client.secret,
      trusted: client.trusted,
    };
  });
}
