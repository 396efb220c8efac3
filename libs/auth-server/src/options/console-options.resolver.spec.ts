import { SmartAuthConfigError } from './auth-config.error.js';
import { resolveAuthServerOptions } from './auth-server-options.resolver.js';
import { SMART_AUTH_SERVER_DEFAULTS, type SmartAuthServerOptions } from './auth-server.options.js';

const minimal: SmartAuthServerOptions = {
  issuer: 'https://ehr.example',
  services: { 'org.openehr.rest': { baseUrl: 'https://ehr.example/openehr/rest/v1' } },
};

/** The `console` option as `resolveAuthServerOptions` resolves it (its `resolveConsole` step). */
const sut = (console: unknown) =>
  resolveAuthServerOptions({ ...minimal, console } as SmartAuthServerOptions).console;

describe('resolveConsole (the `console` option)', () => {
  it('is off, for role `admin`, with a 15-minute idle timeout by default', () => {
    expect(sut(undefined)).toEqual({ enabled: false, adminRole: 'admin', idleTimeoutSeconds: 900 });
    expect(sut({})).toEqual(SMART_AUTH_SERVER_DEFAULTS.console);
  });

  it('keeps given values and fills in the rest', () => {
    expect(sut({ enabled: true })).toEqual({
      enabled: true,
      adminRole: 'admin',
      idleTimeoutSeconds: 900,
    });
    expect(sut({ adminRole: 'platform-admin', idleTimeoutSeconds: 60 })).toEqual({
      enabled: false,
      adminRole: 'platform-admin',
      idleTimeoutSeconds: 60,
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['console', 'yes', /must be an object/],
    ['console.enabled', { enabled: 'true' }, /must be a boolean/],
    ['console.enabled', { enabled: 1 }, /must be a boolean/],
    ['console.adminRole', { adminRole: '' }, /non-empty string/],
    ['console.adminRole', { adminRole: 42 }, /non-empty string/],
    ['console.idleTimeoutSeconds', { idleTimeoutSeconds: 0 }, /positive integer/],
    ['console.idleTimeoutSeconds', { idleTimeoutSeconds: -5 }, /positive integer/],
    ['console.idleTimeoutSeconds', { idleTimeoutSeconds: 1.5 }, /positive integer/],
    ['console.idleTimeoutSeconds', { idleTimeoutSeconds: '900' }, /positive integer/],
  ])('refuses a bad value, naming %s', (option, console, problem) => {
    let error: unknown;
    try {
      sut(console);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SmartAuthConfigError);
    expect(error).toMatchObject({ option, code: 'ERR_SMART_AUTH_CONFIG' });
    expect((error as Error).message).toMatch(problem);
  });
});
