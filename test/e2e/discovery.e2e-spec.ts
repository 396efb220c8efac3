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

  it('both documents agree on every endpoint they share', async () => {
    const smart = (await (await get('/.well-known/smart-configuration')).json()) as Record<
      string,
      unknown
    >;
    const oidc = (await (await get('/.well-known/openid-configuration')).json()) as Record<
      string,
      unknown
    >;
    for (const key of Object.keys(smart).filter(
      (k) => k.endsWith('_endpoint') || k === 'jwks_uri',
    )) {
      if (key in oidc) expect(smart[key]).toBe(oidc[key]);
    }
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

  it('honours X-Forwarded-* only when the proxy is trusted', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'ehr.example.org' };
    const doc = (await (await get('/.well-known/smart-configuration', headers)).json()) as Record<
      string,
      string
    >;
    expect(doc.token_endpoint).toBe(`${t.url}/auth/token`);

    const trusted = await startTestApp(storage, { SMART_TRUST_PROXY: 'true' });
    try {
      for (const path of [
        '/.well-known/smart-configuration',
        '/.well-known/openid-configuration',
      ]) {
        const res = await fetch(`${trusted.url}${path}`, { headers });
        const d = (await res.json()) as Record<string, string>;
        expect(d.token_endpoint).toBe('https://ehr.example.org/auth/token');
      }
    } finally {
      await trusted.close();
    }
  });
});
