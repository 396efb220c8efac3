import { SmartAuthConfigError } from './auth-config.error.js';
import { resolveSecurityOptions } from './security-options.resolver.js';
import { SECURITY_DEFAULTS } from './security.options.js';

describe(resolveSecurityOptions.name, () => {
  it('applies every default to empty options', () => {
    expect(resolveSecurityOptions({})).toEqual(SECURITY_DEFAULTS);
  });

  it('keeps given values and merges partial groups', () => {
    const sut = resolveSecurityOptions({
      rateLimit: { windowSeconds: 10, token: { perIp: 0 }, store: 'database' },
      loginThrottle: { maxFailures: 3 },
      securityHeaders: { hstsMaxAgeSeconds: 0 },
      securityEvents: { fhirAuditEvent: true },
    });
    expect(sut.rateLimit).toMatchObject({
      windowSeconds: 10,
      store: 'database',
      token: { perClient: SECURITY_DEFAULTS.rateLimit.token.perClient, perIp: 0 },
    });
    expect(sut.loginThrottle).toEqual({ ...SECURITY_DEFAULTS.loginThrottle, maxFailures: 3 });
    expect(sut.securityHeaders.hstsMaxAgeSeconds).toBe(0);
    expect(sut.securityEvents).toEqual({ auditTokenIssued: false, fhirAuditEvent: true });
  });

  it.each([
    [{ rateLimit: { windowSeconds: 0 } }, 'rateLimit.windowSeconds'],
    [{ rateLimit: { token: { perClient: -1 } } }, 'rateLimit.token.perClient'],
    [{ rateLimit: { login: { perIp: 1.5 } } }, 'rateLimit.login.perIp'],
    [{ rateLimit: { store: 'redis' } }, 'rateLimit.store'],
    [{ rateLimit: { exactFraction: 0 } }, 'rateLimit.exactFraction'],
    [{ rateLimit: { enabled: 'yes' } }, 'rateLimit.enabled'],
    [{ rateLimit: [] }, 'rateLimit'],
    [{ loginThrottle: { windowSeconds: 0 } }, 'loginThrottle.windowSeconds'],
    [{ securityHeaders: { hstsMaxAgeSeconds: -1 } }, 'securityHeaders.hstsMaxAgeSeconds'],
    [{ securityEvents: { auditTokenIssued: 1 } }, 'securityEvents.auditTokenIssued'],
  ])('refuses %j naming %s', (input, option) => {
    expect(() => resolveSecurityOptions(input as never)).toThrow(SmartAuthConfigError);
    expect(() => resolveSecurityOptions(input as never)).toThrow(option);
  });
});
