import { DataSource } from 'typeorm';
import { basic } from '../support/app.harness.js';
import { postForm } from '../support/clients.js';
import {
  auditEvents,
  bodyOf,
  eventually,
  expectOAuthError,
  FORM,
  publicApp,
  SCOPE,
  SECRET,
  secretClient,
  startSecurityApp,
  storedArtefacts,
  type SecurityApp,
} from './security.support.js';

/**
 * B.1 #43: rate limits per client and per IP on the token, authorization, login and registration
 * endpoints (429 + Retry-After), and backoff after failed authentication. Every test speaks from
 * its own IP addresses (trusted X-Forwarded-For), so the tests do not share counters.
 */
describe('rate limiting (429 with Retry-After)', () => {
  let t: SecurityApp;
  let ipSeq = 0;
  const newIp = () => `198.51.100.${++ipSeq}`;

  beforeAll(async () => {
    t = await startSecurityApp({
      SMART_TRUST_PROXY: 'true',
      SMART_REGISTRATION_ENABLED: 'true',
      SMART_RATE_LIMIT_TOKEN_PER_IP: '5',
      SMART_RATE_LIMIT_TOKEN_PER_CLIENT: '4',
      SMART_RATE_LIMIT_AUTHORIZE_PER_IP: '3',
      SMART_RATE_LIMIT_LOGIN_PER_IP: '3',
      SMART_RATE_LIMIT_REGISTRATION_PER_IP: '2',
      SMART_RATE_LIMIT_INTROSPECTION_PER_IP: '3',
      SMART_RATE_LIMIT_FAILED_AUTH_PER_IP: '3',
    });
  });
  afterAll(() => t.close());

  const token = (clientId: string, ip: string, secret = SECRET) =>
    postForm(
      `${t.url}/auth/token`,
      { grant_type: 'client_credentials', scope: SCOPE },
      { authorization: basic(clientId, secret), 'x-forwarded-for': ip },
    );

  const expect429 = async (res: Response) => {
    const body = await expectOAuthError(res, 429, 'temporarily_unavailable');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.error_description).toMatch(/retry after \d+ seconds/);
  };

  it('token endpoint per IP: the 6th request from one address is refused, nothing is issued', async () => {
    const ip = newIp();
    const clients: string[] = [];
    for (let i = 0; i < 6; i++) clients.push(await secretClient(t.app));
    for (const clientId of clients.slice(0, 5))
      expect((await token(clientId, ip)).status).toBe(200);
    const before = await storedArtefacts(t.app);
    await expect429(await token(clients[5], ip));
    expect(await storedArtefacts(t.app)).toBe(before);
    // Another address is not affected.
    expect((await token(clients[5], newIp())).status).toBe(200);
  });

  it('token endpoint per client: the 5th token of one client is refused, from any address', async () => {
    const clientId = await secretClient(t.app);
    const other = await secretClient(t.app);
    // Requests naming the client that fail authentication do not spend its budget.
    await expectOAuthError(await token(clientId, newIp(), 'wrong-secret'), 401, 'invalid_client');
    for (let i = 0; i < 4; i++) expect((await token(clientId, newIp())).status).toBe(200);
    await expect429(await token(clientId, newIp()));
    expect((await token(other, newIp())).status).toBe(200);
    const exceeded = await eventually(
      () => auditEvents(t.app, 'rate_limit.exceeded'),
      (items) => items.some((e) => e.details?.client === clientId),
    );
    expect(exceeded.find((e) => e.details?.client === clientId)?.details).toMatchObject({
      outcome: 'failure',
      endpoint: 'token',
    });
  });

  it('backoff after failed authentication: an IP with 3 failures is refused even with the right secret', async () => {
    const ip = newIp();
    const clientId = await secretClient(t.app);
    for (let i = 0; i < 3; i++) {
      await expectOAuthError(await token(clientId, ip, `wrong-${i}`), 401, 'invalid_client');
    }
    await expect429(await token(clientId, ip));
    // The block covers the other authenticating endpoints of that address...
    await expect429(
      await postForm(
        `${t.url}/auth/introspect`,
        { token: 'x' },
        { authorization: basic(clientId, SECRET), 'x-forwarded-for': ip },
      ),
    );
    // ...and no other address.
    expect((await token(clientId, newIp())).status).toBe(200);
    const failures = await eventually(
      () => auditEvents(t.app, 'client_auth.failure'),
      (items) => items.filter((e) => e.details?.ip === ip).length === 3,
    );
    expect(failures.filter((e) => e.details?.ip === ip)).toHaveLength(3);
  });

  it('failed introspection callers are backed off as well', async () => {
    const ip = newIp();
    const clientId = await secretClient(t.app);
    const introspect = (secret: string) =>
      postForm(
        `${t.url}/auth/introspect`,
        { token: 'x' },
        { authorization: basic(clientId, secret), 'x-forwarded-for': ip },
      );
    for (let i = 0; i < 3; i++)
      await expectOAuthError(await introspect('bad'), 401, 'invalid_client');
    await expect429(await introspect(SECRET));
    await expect429(await token(clientId, ip));
  });

  it('authorization endpoint per IP: JSON or an HTML page, never a redirect', async () => {
    const ip = newIp();
    const clientId = await publicApp(t.app);
    const url = `${t.url}/auth/authorize?client_id=${clientId}&response_type=code`;
    for (let i = 0; i < 3; i++) {
      const ok = await fetch(url, { headers: { 'x-forwarded-for': ip }, redirect: 'manual' });
      expect(ok.status).not.toBe(429);
    }
    await expect429(await fetch(url, { headers: { 'x-forwarded-for': ip }, redirect: 'manual' }));
    const page = await fetch(url, {
      headers: { 'x-forwarded-for': ip, accept: 'text/html' },
      redirect: 'manual',
    });
    expect(page.status).toBe(429);
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Too many requests');
    // PAR shares the authorization budget.
    await expect429(
      await postForm(`${t.url}/auth/par`, { client_id: clientId }, { 'x-forwarded-for': ip }),
    );
  });

  it('registration per IP: the 3rd registration is refused and nothing is stored', async () => {
    const ip = newIp();
    const register = () =>
      fetch(`${t.url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({
          client_name: 'Registered',
          token_endpoint_auth_method: 'client_secret_basic',
          grant_types: ['client_credentials'],
          scope: SCOPE,
        }),
      });
    expect((await register()).status).toBe(201);
    expect((await register()).status).toBe(201);
    const count = async () => {
      const rows = await t.app
        .get(DataSource)
        .query<{ n: unknown }[]>('SELECT COUNT(*) AS n FROM oauth_client');
      return Number(rows[0].n);
    };
    const before = await count();
    await expect429(await register());
    expect(await count()).toBe(before);
  });

  it('login submissions per IP', async () => {
    const ip = newIp();
    const login = () =>
      fetch(`${t.url}/interaction/some-uid/login`, {
        method: 'POST',
        headers: { ...FORM, 'x-forwarded-for': ip },
        body: 'username=a&password=b',
      });
    for (let i = 0; i < 3; i++) expect((await login()).status).toBe(400);
    const limited = await login();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await bodyOf(limited)).toMatchObject({ error: 'temporarily_unavailable' });
  });

  it("the account page's login submissions per IP, counted like the login page's", async () => {
    const ip = newIp();
    const login = () =>
      fetch(`${t.url}/account/apps/login`, {
        method: 'POST',
        headers: { ...FORM, 'x-forwarded-for': ip },
        body: 'username=a&password=b&csrf=c',
      });
    for (let i = 0; i < 3; i++) expect((await login()).status).toBe(403);
    const limited = await login();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
