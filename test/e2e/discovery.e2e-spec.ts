import { createLocalJWKSet, jwtVerify } from 'jose';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

describe('discovery', () => {
  let storage: TestStorage;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage, { SMART_FHIR_BASE_URL: 'https://fhir.example.org/r4' });
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, { headers });

  it.each(['/.well-known/smart-configuration', '/.well-known/openid-configuration'])(
    '%s is JSON whatever Accept says, CORS open, absolute URLs, S256 only',
    async (path) => {
      const res = await get(path, { accept: 'text/html', origin: 'https://app.example' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(['*', 'https://app.example']).toContain(
        res.headers.get('access-control-allow-origin'),
      );
      const doc = (await res.json()) as Record<string, unknown>;
      expect(doc.issuer).toBe(t.url);
      expect(doc.code_challenge_methods_supported).toEqual(['S256']);
      for (const [key, value] of Object.entries(doc)) {
        if (key.endsWith('_endpoint') || key === 'jwks_uri') {
          expect(String(value)).toMatch(new RegExp(`^${t.url}/(auth|account)/`));
        }
      }
      expect(doc.response_types_supported).toEqual(['code']);
      expect(doc.grant_types_supported).not.toContain('password');
      expect(doc.grant_types_supported).not.toContain('implicit');
    },
  );

  it('openid-configuration lists the page languages (ui_locales_supported)', async () => {
    const doc = (await (await get('/.well-known/openid-configuration')).json()) as Record<
      string,
      unknown
    >;
    expect(doc.ui_locales_supported).toEqual(['en', 'de']);
    expect(doc.claim_types_supported).toEqual(['normal']);
  });

  it('smart-configuration carries the services map and the SMART fields', async () => {
    const doc = (await (await get('/.well-known/smart-configuration')).json()) as Record<
      string,
      any
    >;
    expect(doc.services['org.openehr.rest'].baseUrl).toBe(`${t.url}/openehr/rest/v1`);
    expect(doc.services['org.fhir.rest'].baseUrl).toBe('https://fhir.example.org/r4');
    expect(doc.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['private_key_jwt', 'client_secret_basic']),
    );
    expect(doc.token_endpoint_auth_signing_alg_values_supported).toEqual(
      expect.arrayContaining(['RS384', 'ES384']),
    );
    expect(Array.isArray(doc.capabilities)).toBe(true);
    expect(doc.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials']));
  });

  it('every URL in the documents answers (no 404, no 5xx)', async () => {
    const docs = await Promise.all(
      ['/.well-known/smart-configuration', '/.well-known/openid-configuration'].map(
        async (p) => (await (await get(p)).json()) as Record<string, unknown>,
      ),
    );
    const urls = new Set(
      docs.flatMap((d) =>
        Object.entries(d)
          .filter(
            ([k, v]) => (k.endsWith('_endpoint') || k === 'jwks_uri') && typeof v === 'string',
          )
          .map(([, v]) => v as string),
      ),
    );
    expect(urls.size).toBeGreaterThan(4);
    const getOnly = /\/(authorize|jwks|userinfo|logout|apps)$/;
    const answers = await Promise.all(
      [...urls].map(async (url) => {
        const res = await fetch(url, { method: getOnly.test(url) ? 'GET' : 'POST' });
        return { url, ok: res.status !== 404 && res.status < 500, status: res.status };
      }),
    );
    expect(answers.filter((a) => !a.ok)).toEqual([]);
  });

  it('JWKS publishes RS256, ES256 and ES384 public keys only', async () => {
    const jwks = (await (await get('/auth/jwks')).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'ES384', 'RS256']);
    for (const key of jwks.keys) {
      expect(key).not.toHaveProperty('d');
      expect(key).not.toHaveProperty('p');
      expect(typeof key.kid).toBe('string');
    }
  });

  it('issues ES256 JWT access tokens verifiable with the published JWKS', async () => {
    const token = await adminToken(t.url);
    const jwks = (await (await get('/auth/jwks')).json()) as { keys: any[] };
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: t.url,
      audience: t.url,
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload.scope).toBe('admin');
  });

  it('X-Forwarded-* never changes a published URL, trusted proxy or not', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': t.url.slice(7) };
    const trusted = await startTestApp(storage, {
      SMART_TRUST_PROXY: 'true',
      SMART_PUBLIC_URL: 'https://ehr.example.org',
      SMART_ALLOWED_HOSTS: '127.0.0.1',
    });
    try {
      for (const path of [
        '/.well-known/smart-configuration',
        '/.well-known/openid-configuration',
      ]) {
        const res = await fetch(`${trusted.url}${path}`, { headers });
        const d = (await res.json()) as Record<string, string>;
        expect(d.issuer).toBe('https://ehr.example.org');
        expect(d.token_endpoint).toBe('https://ehr.example.org/auth/token');
      }
    } finally {
      await trusted.close();
    }
  });
});

/** The members SMART on openEHR requires to match where both documents carry them. */
const SHARED = [
  'issuer',
  'jwks_uri',
  'authorization_endpoint',
  'grant_types_supported',
  'token_endpoint',
  'token_endpoint_auth_methods_supported',
  'registration_endpoint',
  'scopes_supported',
  'management_endpoint',
  'response_types_supported',
  'introspection_endpoint',
  'revocation_endpoint',
  'capabilities',
  'code_challenge_methods_supported',
];

describe.each([
  ['defaults', {}],
  [
    'episode context, registration, PKCE public-only',
    {
      SMART_EPISODE_CONTEXT: 'true',
      SMART_REGISTRATION_ENABLED: 'true',
      SMART_PKCE: 'public-only',
    },
  ],
  ['episode context only', { SMART_EPISODE_CONTEXT: 'true' }],
  [
    'registration and PKCE public-only',
    { SMART_REGISTRATION_ENABLED: 'true', SMART_PKCE: 'public-only' },
  ],
])('discovery from one source (%s)', (_name, env: Record<string, string>) => {
  let storage: TestStorage;
  let t: TestApp;
  let smart: Record<string, unknown>;
  let oidc: Record<string, unknown>;
  const episode = env.SMART_EPISODE_CONTEXT === 'true';
  const registration = env.SMART_REGISTRATION_ENABLED === 'true';

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage, env);
    [smart, oidc] = await Promise.all(
      ['/.well-known/smart-configuration', '/.well-known/openid-configuration'].map(
        async (p) => (await (await fetch(`${t.url}${p}`)).json()) as Record<string, unknown>,
      ),
    );
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  it('every member SMART on openEHR names is in both documents, with the same value', () => {
    const shared = SHARED.filter((m) => m !== 'registration_endpoint' || registration);
    const differing = shared.filter(
      (m) => smart[m] === undefined || JSON.stringify(oidc[m]) !== JSON.stringify(smart[m]),
    );
    expect(differing).toEqual([]);
    if (!registration) {
      expect(smart).not.toHaveProperty('registration_endpoint');
      expect(oidc).not.toHaveProperty('registration_endpoint');
    }
  });

  it('advertises only what this configuration supports', () => {
    for (const doc of [smart, oidc]) {
      expect((doc.scopes_supported as string[]).includes('launch/episode')).toBe(episode);
      expect((doc.capabilities as string[]).includes('context-openehr-episode')).toBe(episode);
      expect(doc.registration_endpoint).toBe(registration ? `${t.url}/auth/register` : undefined);
      // Public clients (`none`) are supported in every configuration (client-public).
      expect(doc.token_endpoint_auth_methods_supported).toEqual([
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'none',
      ]);
      expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    }
    expect(smart.__pkce_required).toBe(
      env.SMART_PKCE === 'public-only' ? 'public-clients' : 'all-clients',
    );
  });
});
