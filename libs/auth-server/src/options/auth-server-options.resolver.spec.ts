import { SmartAuthConfigError } from './auth-config.error.js';
import { resolveAuthServerOptions } from './auth-server-options.resolver.js';
import { SMART_AUTH_SERVER_DEFAULTS, type SmartAuthServerOptions } from './auth-server.options.js';

const minimal: SmartAuthServerOptions = {
  issuer: 'https://ehr.example',
  services: { 'org.openehr.rest': { baseUrl: 'https://ehr.example/openehr/rest/v1' } },
};

/** The error resolving `minimal` with `override` gives (fails the test when it resolves). */
function errorFor(override: Record<string, unknown>): SmartAuthConfigError {
  try {
    resolveAuthServerOptions({ ...minimal, ...override });
  } catch (err) {
    expect(err).toBeInstanceOf(SmartAuthConfigError);
    return err as SmartAuthConfigError;
  }
  throw new Error(`resolved without error: ${JSON.stringify(override)}`);
}

describe(resolveAuthServerOptions.name, () => {
  it('applies every default to the minimal options', () => {
    const sut = resolveAuthServerOptions(minimal);
    expect(sut).toMatchObject({
      issuer: minimal.issuer,
      services: minimal.services,
      keyEncryptionSecret: undefined,
    });
    expect(sut).toMatchObject({
      mountPath: '',
      routes: {
        base: '',
        oauth: '/auth',
        wellKnown: '/.well-known',
        interaction: '/interaction',
        account: '/account/apps',
        admin: '/admin',
      },
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
      sessionTtlSeconds: 86400,
      accessTokenSigningAlg: 'ES256',
      keyRefreshIntervalSeconds: 60,
      cleanupIntervalSeconds: 60,
      extraScopes: ['admin', 'launch:create', 'introspect', 'metrics:read'],
    });
    // Every default that keeps its name in the resolved options is the resolved value.
    const resolved = sut as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(SMART_AUTH_SERVER_DEFAULTS)) {
      if (key in resolved) expect({ key, value: resolved[key] }).toEqual({ key, value });
    }
  });

  it('keeps given values and merges a partial access-token lifetime map', () => {
    const sut = resolveAuthServerOptions({
      ...minimal,
      issuer: 'http://localhost:3000/platform',
      mountPath: '/smart/v1',
      trustProxy: true,
      pkce: 'public-only',
      requireAud: false,
      accessTokenTtlSeconds: { public: 300 },
      backendAccessTokenTtlSeconds: 120,
      authorizationCodeTtlSeconds: 30,
      refreshTokenTtlSeconds: 86400,
      sessionTtlSeconds: 7200,
      accessTokenSigningAlg: 'RS256',
      keyEncryptionSecret: 'sixteen-chars-ok',
      keyRefreshIntervalSeconds: 5,
      cleanupIntervalSeconds: 10,
      extraScopes: ['admin', 'custom:scope'],
    });
    expect(sut).toMatchObject({
      issuer: 'http://localhost:3000/platform',
      mountPath: '/smart/v1',
      routes: expect.objectContaining({
        oauth: '/smart/v1/auth',
        account: '/smart/v1/account/apps',
      }),
      trustProxy: true,
      pkce: 'public-only',
      requireAud: false,
      accessTokenTtlSeconds: {
        public: 300,
        'confidential-symmetric': 600,
        'confidential-asymmetric': 600,
      },
      backendAccessTokenTtlSeconds: 120,
      authorizationCodeTtlSeconds: 30,
      refreshTokenTtlSeconds: 86400,
      sessionTtlSeconds: 7200,
      accessTokenSigningAlg: 'RS256',
      keyEncryptionSecret: 'sixteen-chars-ok',
      keyRefreshIntervalSeconds: 5,
      cleanupIntervalSeconds: 10,
      extraScopes: ['admin', 'custom:scope'],
    });
  });

  it('resolves branding: defaults kept, colour lower-cased, asset URLs with a query accepted', () => {
    const sut = resolveAuthServerOptions({
      ...minimal,
      branding: {
        platformName: ' Acme Health ',
        primaryColor: '#AB12CD',
        logoUrl: 'https://cdn.acme.example/logo.svg',
        stylesheetUrl: 'https://static.acme.example/pages.css?v=2',
      },
    });
    expect(sut.branding).toEqual({
      platformName: 'Acme Health',
      primaryColor: '#ab12cd',
      logoUrl: 'https://cdn.acme.example/logo.svg',
      stylesheetUrl: 'https://static.acme.example/pages.css?v=2',
      template: undefined,
    });
    expect(resolveAuthServerOptions(minimal).branding).toMatchObject({
      platformName: 'SMART on openEHR',
      primaryColor: '#1a5fb4',
    });
  });

  it('does not let a resolved object alter the defaults', () => {
    const sut = resolveAuthServerOptions(minimal);
    sut.accessTokenTtlSeconds.public = 1;
    expect(SMART_AUTH_SERVER_DEFAULTS.accessTokenTtlSeconds.public).toBe(600);
    expect(resolveAuthServerOptions(minimal).accessTokenTtlSeconds.public).toBe(600);
  });

  it.each<[string, Record<string, unknown>]>([
    ['issuer', { issuer: 'not a url' }],
    ['issuer', { issuer: undefined }],
    ['issuer', { issuer: 'ftp://ehr.example' }],
    ['issuer', { issuer: 'https://ehr.example/' }],
    ['issuer', { issuer: 'https://ehr.example?tenant=1' }],
    ['issuer', { issuer: 'https://ehr.example#frag' }],
    ['mountPath', { mountPath: 'smart' }],
    ['mountPath', { mountPath: '/smart/' }],
    ['mountPath', { mountPath: '/' }],
    ['mountPath', { mountPath: '/a b' }],
    ['services', { services: undefined }],
    ['services', { services: {} }],
    ['services', { services: { 'org.fhir.rest': { baseUrl: 'https://ehr.example/fhir' } } }],
    ['services.org.openehr.rest.baseUrl', { services: { 'org.openehr.rest': { baseUrl: '/x' } } }],
    [
      'services.org.fhir.rest.baseUrl',
      {
        services: {
          ...minimal.services,
          'org.fhir.rest': { baseUrl: 'https://ehr.example/fhir/' },
        },
      },
    ],
    ['pkce', { pkce: 'sometimes' }],
    ['pkce', { pkce: 'plain' }],
    ['accessTokenTtlSeconds.public', { accessTokenTtlSeconds: { public: 0 } }],
    ['accessTokenTtlSeconds.public', { accessTokenTtlSeconds: { public: 1.5 } }],
    [
      'accessTokenTtlSeconds.confidential-symmetric',
      { accessTokenTtlSeconds: { 'confidential-symmetric': '60' } },
    ],
    ['backendAccessTokenTtlSeconds', { backendAccessTokenTtlSeconds: 0 }],
    ['authorizationCodeTtlSeconds', { authorizationCodeTtlSeconds: -60 }],
    ['refreshTokenTtlSeconds', { refreshTokenTtlSeconds: 2.5 }],
    ['sessionTtlSeconds', { sessionTtlSeconds: '86400' }],
    ['keyRefreshIntervalSeconds', { keyRefreshIntervalSeconds: 0 }],
    ['cleanupIntervalSeconds', { cleanupIntervalSeconds: Number.NaN }],
    ['accessTokenSigningAlg', { accessTokenSigningAlg: 'HS256' }],
    ['accessTokenSigningAlg', { accessTokenSigningAlg: 'none' }],
    ['keyEncryptionSecret', { keyEncryptionSecret: 'short' }],
    ['keyEncryptionSecret', { keyEncryptionSecret: '' }],
    ['extraScopes', { extraScopes: 'admin' }],
    ['extraScopes', { extraScopes: ['has space'] }],
    ['extraScopes', { extraScopes: ['quote"d'] }],
    ['allowedHosts', { allowedHosts: 'auth.internal' }],
    ['allowedHosts', { allowedHosts: ['https://auth.internal'] }],
    ['allowedHosts', { allowedHosts: ['user@auth.internal'] }],
    ['allowedHosts', { allowedHosts: ['auth.internal:70000'] }],
    ['anyHostPaths', { anyHostPaths: ['health'] }],
    ['anyHostPaths', { anyHostPaths: ['/health/'] }],
    ['metrics', { metrics: true }],
    ['metrics.enabled', { metrics: { enabled: 'yes' } }],
    ['metrics.clientLabels', { metrics: { enabled: true, clientLabels: 1 } }],
    ['metrics.port', { metrics: { enabled: true, port: 70000 } }],
    ['metrics.port', { metrics: { enabled: true, port: '9464' } }],
    ['metrics.port', { metrics: { port: 9464 } }],
    ['metrics.host', { metrics: { enabled: true, port: 9464, host: ' ' } }],
    ['branding', { branding: 'Acme' }],
    ['branding.platformName', { branding: { platformName: ' ' } }],
    ['branding.platformName', { branding: { platformName: 'x'.repeat(101) } }],
    ['branding.primaryColor', { branding: { primaryColor: 'red' } }],
    ['branding.primaryColor', { branding: { primaryColor: '#12345' } }],
    ['branding.primaryColor', { branding: { primaryColor: '#1a5fb4;}body{x' } }],
    ['branding.logoUrl', { branding: { logoUrl: '/logo.svg' } }],
    ['branding.logoUrl', { branding: { logoUrl: 'javascript:alert(1)' } }],
    ['branding.logoUrl', { branding: { logoUrl: 'data:image/png;base64,AA' } }],
    ['branding.stylesheetUrl', { branding: { stylesheetUrl: 'https://u:p@cdn.example/a.css' } }],
    ['branding.template', { branding: { template: '<html>' } }],
  ])('refuses a bad %s, naming it (%j)', (option, override) => {
    const err = errorFor(override);
    expect(err.option).toBe(option);
    expect(err.message.startsWith(`${option} `)).toBe(true);
    expect(err.code).toBe('ERR_SMART_AUTH_CONFIG');
    expect(err.name).toBe('SmartAuthConfigError');
  });
});
