import { adminToken } from '../support/app.harness.js';
import { REDIRECT_URI } from '../support/smart-flow.js';
import { pkce } from '../support/user-agent.js';
import { FORM, publicApp, startSecurityApp, type SecurityApp } from './security.support.js';

/** B.1 #15 (and RFC 9700 §4.16): every answer carries the security headers, HSTS over HTTPS. */
describe('security headers on every page and API answer', () => {
  let t: SecurityApp;
  let clientId: string;

  beforeAll(async () => {
    t = await startSecurityApp();
    clientId = await publicApp(t.app);
  });
  afterAll(() => t.close());

  const authorizeUrl = () => {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      aud: t.url,
      state: 'abc',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    });
    return `${t.url}/auth/authorize?${query.toString()}`;
  };

  const expectHardened = (res: Response, what: string) => {
    const h = (name: string) => res.headers.get(name);
    expect({ what, csp: h('content-security-policy') }).toEqual({
      what,
      csp: expect.stringMatching(/default-src 'none'.*frame-ancestors 'none'/),
    });
    expect({ what, referrer: h('referrer-policy'), sniff: h('x-content-type-options') }).toEqual({
      what,
      referrer: 'no-referrer',
      sniff: 'nosniff',
    });
    expect({ what, hsts: h('strict-transport-security') }).toEqual({ what, hsts: null });
  };

  it.each([
    ['GET', '/.well-known/smart-configuration', 200],
    ['GET', '/.well-known/openid-configuration', 200],
    ['GET', '/auth/jwks', 200],
    ['GET', '/health/live', 200],
    ['GET', '/admin/clients', 401],
    ['GET', '/no/such/path', 404],
    ['POST', '/auth/token', 400],
    ['POST', '/auth/introspect', 401],
    ['GET', '/auth/userinfo', 401],
  ])('%s %s (%d)', async (method, path, status) => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: method === 'POST' ? FORM : {},
      body: method === 'POST' ? 'grant_type=client_credentials' : undefined,
    });
    expect(res.status).toBe(status);
    expectHardened(res, path);
  });

  it('discovery keeps its CORS header; the authorization endpoint has none', async () => {
    const smart = await fetch(`${t.url}/.well-known/smart-configuration`, {
      headers: { origin: 'https://app.example' },
    });
    expect(smart.headers.get('access-control-allow-origin')).toBe('*');
    const authorize = await fetch(authorizeUrl(), {
      headers: { origin: 'https://app.example' },
      redirect: 'manual',
    });
    expect(authorize.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${t.url}/auth/authorize`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('engine answers keep their cookies; the login page keeps its own stricter headers', async () => {
    const res = await fetch(authorizeUrl(), { redirect: 'manual' });
    expect(res.status).toBe(303);
    expectHardened(res, 'authorize redirect');
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => /^_interaction=/.test(c) && /httponly/i.test(c))).toBe(true);
    const page = await fetch(new URL(res.headers.get('location')!, t.url), {
      headers: { cookie: cookies.map((c) => c.split(';')[0]).join('; ') },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="password"');
    expectHardened(page, 'login page');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('an engine error page (unknown client) is hardened and never redirects', async () => {
    const res = await fetch(authorizeUrl().replace(clientId, 'no-such-client'), {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expectHardened(res, 'error page');
  });

  it('admin API answers are hardened', async () => {
    const res = await fetch(`${t.url}/admin/clients`, {
      headers: { authorization: `Bearer ${await adminToken(t.url)}` },
    });
    expect(res.status).toBe(200);
    expectHardened(res, 'admin');
  });
});

describe('HSTS when served over HTTPS', () => {
  it('behind a trusted proxy that says https, and with an https issuer', async () => {
    const proxied = await startSecurityApp({ SMART_TRUST_PROXY: 'true' });
    try {
      const plain = await fetch(`${proxied.url}/health/live`);
      expect(plain.headers.get('strict-transport-security')).toBeNull();
      const https = await fetch(`${proxied.url}/health/live`, {
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000');
    } finally {
      await proxied.close();
    }
    const secure = await startSecurityApp({
      SMART_PUBLIC_URL: 'https://auth.example.org',
      SMART_ALLOWED_HOSTS: '127.0.0.1',
      SMART_HSTS_MAX_AGE_SECONDS: '600',
    });
    try {
      const res = await fetch(`${secure.url}/auth/jwks`);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=600');
    } finally {
      await secure.close();
    }
  });
});
