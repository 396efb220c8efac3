import { SmartAuthConfigError } from './auth-config.error.js';
import { bool, integer, object } from './option-value.validators.js';
import {
  SECURITY_DEFAULTS as D,
  type ResolvedSecurityOptions,
  type SmartLoginThrottleOptions,
  type SmartRateLimitOptions,
  type SmartSecurityEventsOptions,
  type SmartSecurityHeadersOptions,
} from './security.options.js';

/** The security part of `SmartAuthServerOptions`. */
export interface SecurityOptionsInput {
  rateLimit?: SmartRateLimitOptions;
  loginThrottle?: SmartLoginThrottleOptions;
  securityHeaders?: SmartSecurityHeadersOptions;
  securityEvents?: SmartSecurityEventsOptions;
}

const STORES = ['auto', 'memory', 'database'] as const;

function limit(option: string, value: unknown, fallback: number): number {
  return integer(option, value ?? fallback, 0);
}

function resolveRateLimit(input: SmartRateLimitOptions | undefined) {
  const r = object('rateLimit', input);
  const token = object('rateLimit.token', r.token);
  const store = r.store ?? D.rateLimit.store;
  if (!STORES.includes(store)) {
    throw new SmartAuthConfigError('rateLimit.store', `must be one of ${STORES.join(', ')}`);
  }
  const perIp = (name: 'authorize' | 'login' | 'registration' | 'introspection') => ({
    perIp: limit(
      `rateLimit.${name}.perIp`,
      object(`rateLimit.${name}`, r[name]).perIp,
      D.rateLimit[name].perIp,
    ),
  });
  const exactFraction = r.exactFraction ?? D.rateLimit.exactFraction;
  if (typeof exactFraction !== 'number' || !(exactFraction > 0 && exactFraction <= 1)) {
    throw new SmartAuthConfigError('rateLimit.exactFraction', 'must be a number in (0, 1]');
  }
  return {
    enabled: bool('rateLimit.enabled', r.enabled ?? D.rateLimit.enabled),
    windowSeconds: integer(
      'rateLimit.windowSeconds',
      r.windowSeconds ?? D.rateLimit.windowSeconds,
      1,
    ),
    store,
    token: {
      perClient: limit('rateLimit.token.perClient', token.perClient, D.rateLimit.token.perClient),
      perIp: limit('rateLimit.token.perIp', token.perIp, D.rateLimit.token.perIp),
    },
    authorize: perIp('authorize'),
    login: perIp('login'),
    registration: perIp('registration'),
    introspection: perIp('introspection'),
    failedAuthPerIp: limit(
      'rateLimit.failedAuthPerIp',
      r.failedAuthPerIp,
      D.rateLimit.failedAuthPerIp,
    ),
    syncIntervalMs: integer(
      'rateLimit.syncIntervalMs',
      r.syncIntervalMs ?? D.rateLimit.syncIntervalMs,
      10,
    ),
    exactFraction,
  };
}

/** Applies the security defaults and validates, once, at boot (`SmartAuthConfigError` names the option). */
export function resolveSecurityOptions(input: SecurityOptionsInput): ResolvedSecurityOptions {
  const login = object('loginThrottle', input.loginThrottle);
  const headers = object('securityHeaders', input.securityHeaders);
  const events = object('securityEvents', input.securityEvents);
  const L = D.loginThrottle;
  return {
    rateLimit: resolveRateLimit(input.rateLimit),
    loginThrottle: {
      maxFailures: integer('loginThrottle.maxFailures', login.maxFailures ?? L.maxFailures, 0),
      windowSeconds: integer(
        'loginThrottle.windowSeconds',
        login.windowSeconds ?? L.windowSeconds,
        1,
      ),
      failureDelayMs: integer(
        'loginThrottle.failureDelayMs',
        login.failureDelayMs ?? L.failureDelayMs,
        0,
      ),
    },
    securityHeaders: {
      hstsMaxAgeSeconds: integer(
        'securityHeaders.hstsMaxAgeSeconds',
        headers.hstsMaxAgeSeconds ?? D.securityHeaders.hstsMaxAgeSeconds,
        0,
      ),
    },
    securityEvents: {
      auditTokenIssued: bool(
        'securityEvents.auditTokenIssued',
        events.auditTokenIssued ?? D.securityEvents.auditTokenIssued,
      ),
      fhirAuditEvent: bool(
        'securityEvents.fhirAuditEvent',
        events.fhirAuditEvent ?? D.securityEvents.fhirAuditEvent,
      ),
    },
  };
}
