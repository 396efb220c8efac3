import { EnvConfigError, loadConfig } from './env.config.js';

type Env = Record<string, string | undefined>;

/** The `EnvConfigError` that `env` produces (fails the test when loading succeeds). */
function problemsOf(env: Env): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvConfigError);
    return (err as EnvConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe(loadConfig.name, () => {
  it('applies the defaults to an empty environment', () => {
    const sut = loadConfig({});
    expect(sut).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      dataDir: './data',
      databaseUrl: undefined,
      tablePrefix: '',
      keyEncryptionSecret: undefined,
      trustProxy: false,
      openehrBaseUrl: 'http://localhost:3000/openehr/rest/v1',
      fhirBaseUrl: undefined,
      adminClientId: undefined,
      adminClientSecret: undefined,
      logLevel: 'info',
      pkce: 'all',
      requireAud: true,
      openehrUpstreamUrl: undefined,
      openehrUpstreamAuthorization: undefined,
    });
  });

  it('derives the public URL from PORT and the openEHR URL from the public URL', () => {
    expect(loadConfig({ PORT: '8080' })).toMatchObject({
      port: 8080,
      publicUrl: 'http://localhost:8080',
      openehrBaseUrl: 'http://localhost:8080/openehr/rest/v1',
    });
    expect(loadConfig({ SMART_PUBLIC_URL: 'https://ehr.example/platform' })).toMatchObject({
      publicUrl: 'https://ehr.example/platform',
      openehrBaseUrl: 'https://ehr.example/platform/openehr/rest/v1',
    });
  });

  it('reads every variable when set', () => {
    const sut = loadConfig({
      PORT: '4000',
      SMART_PUBLIC_URL: 'https://ehr.example',
      DATA_DIR: '/var/lib/smart',
      DATABASE_URL: 'postgresql://smart:pw@db:5432/smart',
      SMART_KEY_ENCRYPTION_SECRET: 'sixteen-chars-ok',
      SMART_TRUST_PROXY: '1',
      SMART_OPENEHR_BASE_URL: 'https://ehr.example/openehr',
      SMART_FHIR_BASE_URL: 'https://ehr.example/fhir',
      SMART_ADMIN_CLIENT_ID: 'admin',
      SMART_ADMIN_CLIENT_SECRET: 'a-secret-of-16-chars',
      LOG_LEVEL: 'debug',
      SMART_PKCE: 'public-only',
      SMART_REQUIRE_AUD: '0',
      SMART_OPENEHR_UPSTREAM_URL: 'http://ehrbase:8080/ehrbase/rest/openehr/v1',
      SMART_OPENEHR_UPSTREAM_AUTHORIZATION: 'Basic dXNlcjpwdw==',
    });
    expect(sut).toMatchObject({
      port: 4000,
      publicUrl: 'https://ehr.example',
      dataDir: '/var/lib/smart',
      databaseUrl: 'postgresql://smart:pw@db:5432/smart',
      keyEncryptionSecret: 'sixteen-chars-ok',
      trustProxy: true,
      openehrBaseUrl: 'https://ehr.example/openehr',
      fhirBaseUrl: 'https://ehr.example/fhir',
      adminClientId: 'admin',
      adminClientSecret: 'a-secret-of-16-chars',
      logLevel: 'debug',
      pkce: 'public-only',
      requireAud: false,
      openehrUpstreamUrl: 'http://ehrbase:8080/ehrbase/rest/openehr/v1',
      openehrUpstreamAuthorization: 'Basic dXNlcjpwdw==',
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '', SMART_PKCE: '' })).toMatchObject({
      databaseUrl: undefined,
      port: 3000,
      pkce: 'all',
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('SMART_TRUST_PROXY=%s reads as %s', (value, expected) => {
    expect(loadConfig({ SMART_TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  // Valid URLs keep the derived defaults (public URL from PORT, openEHR URL from the public URL)
  // out of these cases: each row has exactly one bad variable.
  const withUrl = { SMART_PUBLIC_URL: 'http://localhost:3000' };
  const withOpenEhr = { SMART_OPENEHR_BASE_URL: 'https://ehr.example/openehr/rest/v1' };
  it.each<[string, Env]>([
    ['PORT', { PORT: 'abc', ...withUrl }],
    ['PORT', { PORT: '3.5', ...withUrl }],
    ['PORT', { PORT: '-1', ...withUrl }],
    ['PORT', { PORT: '65536', ...withUrl }],
    ['SMART_PUBLIC_URL', { SMART_PUBLIC_URL: 'not a url', ...withOpenEhr }],
    ['SMART_PUBLIC_URL', { SMART_PUBLIC_URL: 'ftp://ehr.example', ...withOpenEhr }],
    ['SMART_PUBLIC_URL', { SMART_PUBLIC_URL: 'https://ehr.example/', ...withOpenEhr }],
    ['SMART_OPENEHR_BASE_URL', { SMART_OPENEHR_BASE_URL: 'https://ehr.example/openehr/' }],
    ['SMART_OPENEHR_BASE_URL', { SMART_OPENEHR_BASE_URL: '/openehr/rest/v1' }],
    ['SMART_FHIR_BASE_URL', { SMART_FHIR_BASE_URL: 'https://ehr.example/fhir/' }],
    ['SMART_OPENEHR_UPSTREAM_URL', { SMART_OPENEHR_UPSTREAM_URL: 'http://ehrbase:8080/' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://u@db/smart' }],
    ['DATABASE_URL', { DATABASE_URL: 'sqlite:./data/smart.sqlite' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://' }],
    ['SMART_KEY_ENCRYPTION_SECRET', { SMART_KEY_ENCRYPTION_SECRET: 'too-short' }],
    ['SMART_TRUST_PROXY', { SMART_TRUST_PROXY: 'yes' }],
    ['SMART_REQUIRE_AUD', { SMART_REQUIRE_AUD: 'maybe' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['SMART_PKCE', { SMART_PKCE: 'sometimes' }],
    ['SMART_TABLE_PREFIX', { SMART_TABLE_PREFIX: 'Smart_' }],
    ['SMART_TABLE_PREFIX', { SMART_TABLE_PREFIX: '_smart' }],
    ['SMART_TABLE_PREFIX', { SMART_TABLE_PREFIX: 'smart-' }],
    ['SMART_TABLE_PREFIX', { SMART_TABLE_PREFIX: 'smart_; drop table x' }],
    ['SMART_TABLE_PREFIX', { SMART_TABLE_PREFIX: `s${'x'.repeat(21)}` }],
    ['SMART_ALLOWED_HOSTS', { SMART_ALLOWED_HOSTS: 'https://auth.internal' }],
    ['SMART_ALLOWED_HOSTS', { SMART_ALLOWED_HOSTS: 'auth.internal/path' }],
    ['SMART_ALLOWED_HOSTS', { SMART_ALLOWED_HOSTS: 'auth.internal:99999' }],
    [
      'SMART_ADMIN_CLIENT_SECRET',
      { SMART_ADMIN_CLIENT_ID: 'a', SMART_ADMIN_CLIENT_SECRET: 'short' },
    ],
  ])('names %s when it is invalid (%j)', (name, env) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
  });

  it('reads SMART_ALLOWED_HOSTS as a lower-cased list of host[:port] names', () => {
    expect(loadConfig({}).allowedHosts).toEqual([]);
    expect(
      loadConfig({ SMART_ALLOWED_HOSTS: 'Auth.Internal:3000, 10.0.0.7 ,[::1]:8080' }).allowedHosts,
    ).toEqual(['auth.internal:3000', '10.0.0.7', '[::1]:8080']);
  });

  it('lists every bad variable in one error', () => {
    const env = {
      PORT: '99999',
      SMART_PUBLIC_URL: 'https://ehr.example/',
      DATABASE_URL: 'mysql://db',
      LOG_LEVEL: 'loud',
      SMART_PKCE: 'never',
      SMART_TRUST_PROXY: 'perhaps',
    };
    const problems = problemsOf(env);
    for (const name of Object.keys(env)) {
      expect(problems.filter((p) => p.startsWith(`${name} `))).toHaveLength(1);
    }
    let message = '';
    try {
      loadConfig(env);
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of Object.keys(env)) expect(message).toContain(name);
  });

  it.each(['smart_', 'a', 'tenant7_', `s${'x'.repeat(20)}`])(
    'accepts SMART_TABLE_PREFIX=%s',
    (p) => {
      expect(loadConfig({ SMART_TABLE_PREFIX: p }).tablePrefix).toBe(p);
    },
  );

  it.each(['0', '1', '3000', '65535'])('accepts PORT=%s', (port) => {
    expect(loadConfig({ PORT: port }).port).toBe(Number(port));
  });

  it.each([
    'postgres://smart@db/smart',
    'postgresql://smart:secret@db.internal:5433/smart?sslmode=require',
  ])('accepts DATABASE_URL=%s', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it.each<[string, Env]>([
    ['only the id', { SMART_ADMIN_CLIENT_ID: 'admin' }],
    ['only the secret', { SMART_ADMIN_CLIENT_SECRET: 'a-secret-of-16-chars' }],
  ])('refuses %s of the admin client', (_case, env) => {
    expect(problemsOf(env)).toEqual([
      'SMART_ADMIN_CLIENT_ID and SMART_ADMIN_CLIENT_SECRET must be set together',
    ]);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ SMART_PUBLIC_URL: 'not a url' }, 'SMART_PUBLIC_URL'],
  ])('reports only the bad variable, not the defaults derived from it (%j)', (env, name) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
  });

  it('reads the branding variables; unset ones stay undefined (the library defaults apply)', () => {
    expect(loadConfig({}).branding).toEqual({});
    expect(
      loadConfig({
        SMART_BRAND_NAME: ' Acme Health ',
        SMART_BRAND_LOGO_URL: 'https://cdn.acme.example/logo.svg',
        SMART_BRAND_PRIMARY_COLOR: '#AB12CD',
        SMART_BRAND_STYLESHEET_URL: 'https://static.acme.example/pages.css?v=2',
      }).branding,
    ).toEqual({
      platformName: 'Acme Health',
      logoUrl: 'https://cdn.acme.example/logo.svg',
      primaryColor: '#AB12CD',
      stylesheetUrl: 'https://static.acme.example/pages.css?v=2',
    });
  });

  it('names every bad branding variable', () => {
    expect(() =>
      loadConfig({
        SMART_BRAND_NAME: 'x'.repeat(101),
        SMART_BRAND_LOGO_URL: '/logo.svg',
        SMART_BRAND_PRIMARY_COLOR: 'blue',
        SMART_BRAND_STYLESHEET_URL: 'ftp://cdn.example/a.css',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^SMART_BRAND_NAME /),
          expect.stringMatching(/^SMART_BRAND_PRIMARY_COLOR /),
          expect.stringMatching(/^SMART_BRAND_LOGO_URL /),
          expect.stringMatching(/^SMART_BRAND_STYLESHEET_URL /),
        ],
      }),
    );
  });

  it('accepts the admin client id and secret together', () => {
    expect(
      loadConfig({ SMART_ADMIN_CLIENT_ID: 'admin', SMART_ADMIN_CLIENT_SECRET: 'x'.repeat(16) }),
    ).toMatchObject({ adminClientId: 'admin', adminClientSecret: 'x'.repeat(16) });
  });
  it('reads the security variables; unset ones stay undefined (the library defaults apply)', () => {
    expect(loadConfig({}).security.rateLimit).toMatchObject({
      enabled: undefined,
      token: { perClient: undefined, perIp: undefined },
    });
    expect(
      loadConfig({
        SMART_RATE_LIMIT_ENABLED: 'false',
        SMART_RATE_LIMIT_STORE: 'database',
        SMART_RATE_LIMIT_TOKEN_PER_CLIENT: '600',
        SMART_RATE_LIMIT_FAILED_AUTH_PER_IP: '0',
        SMART_LOGIN_MAX_FAILURES: '3',
        SMART_HSTS_MAX_AGE_SECONDS: '0',
        SMART_SECURITY_EVENTS_FHIR: 'true',
      }).security,
    ).toMatchObject({
      rateLimit: {
        enabled: false,
        store: 'database',
        token: { perClient: 600 },
        failedAuthPerIp: 0,
      },
      loginThrottle: { maxFailures: 3 },
      securityHeaders: { hstsMaxAgeSeconds: 0 },
      securityEvents: { fhirAuditEvent: true },
    });
    expect(
      problemsOf({
        SMART_RATE_LIMIT_STORE: 'redis',
        SMART_RATE_LIMIT_TOKEN_PER_IP: '-1',
        SMART_LOGIN_LOCK_SECONDS: '0',
      }),
    ).toEqual([
      expect.stringMatching(/^SMART_RATE_LIMIT_STORE /),
      expect.stringMatching(/^SMART_RATE_LIMIT_TOKEN_PER_IP /),
      expect.stringMatching(/^SMART_LOGIN_LOCK_SECONDS /),
    ]);
  });

  it('reads the identity server and its claim mapping; unset settings stay undefined', () => {
    const idp = {
      SMART_IDP_ISSUER: 'https://kc.example.org/realms/ehr',
      SMART_IDP_CLIENT_ID: 'smart',
      SMART_IDP_CLIENT_SECRET: 'secret',
    };
    expect(loadConfig(idp).idp).toEqual({
      issuer: 'https://kc.example.org/realms/ehr',
      clientId: 'smart',
      clientSecret: 'secret',
      scope: undefined,
      userinfo: undefined,
      passwordLogin: undefined,
      admin: undefined,
      claims: {
        fhirUser: undefined,
        ehrId: undefined,
        patient: undefined,
        name: undefined,
        roles: { claim: undefined, realm: undefined, clients: undefined },
      },
    });
    const sut = loadConfig({
      ...idp,
      SMART_IDP_CLAIM_EHR_ID: 'attributes.ehr_id',
      SMART_IDP_CLAIM_NAME: 'preferred_username, name',
      SMART_IDP_ROLES_REALM: 'false',
      SMART_IDP_ROLES_CLIENT: 'smart,portal',
      SMART_IDP_USERINFO: 'true',
      SMART_IDP_PASSWORD_LOGIN: 'true',
      SMART_IDP_ADMIN_AUDIENCE: 'smart-admin-api',
      SMART_IDP_ADMIN_ROLE: 'smart-admin',
    }).idp;
    expect(sut).toMatchObject({
      admin: { audience: 'smart-admin-api', role: 'smart-admin' },
      userinfo: true,
      passwordLogin: true,
      claims: {
        ehrId: 'attributes.ehr_id',
        name: ['preferred_username', 'name'],
        roles: { realm: false, clients: ['smart', 'portal'] },
      },
    });
    expect(
      problemsOf({
        ...idp,
        SMART_IDP_CLAIM_EHR_ID: 'ehr id',
        SMART_IDP_CLAIM_NAME: 'name,.x',
        SMART_IDP_ROLES_REALM: 'maybe',
        SMART_IDP_ADMIN_ROLE: 'smart-admin',
      }),
    ).toEqual([
      expect.stringMatching(/^SMART_IDP_CLAIM_EHR_ID /),
      expect.stringMatching(/^SMART_IDP_CLAIM_NAME /),
      expect.stringMatching(/^SMART_IDP_ROLES_REALM /),
      expect.stringMatching(/^SMART_IDP_ADMIN_AUDIENCE and SMART_IDP_ADMIN_ROLE /),
    ]);
  });
});
