import { basic, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET } from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { makeKeyClient, registerKeyClient } from '../support/private-key-client.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { httpAnswer, type HttpAnswer } from '../support/http-request.js';
import { pkce, UserAgent } from '../support/user-agent.js';
import { rawRequest, startSecurityApp, type SecurityApp } from './security.support.js';

/**
 * Strict host names: every URL the server publishes or redirects to comes from the public URL
 * (`SMART_PUBLIC_URL`), never from `Host` or `X-Forwarded-Host`. A request for a host that is
 * neither the public URL's nor listed in `SMART_ALLOWED_HOSTS` gets 421; health answers any host.
 */

/** An HTTP/1.1 request to the app's socket with any `Host` (fetch cannot set it). */
const send = (
  app: SecurityApp,
  path: string,
  headers: Record<string, string>,
  init: { method?: string; body?: string } = {},
): Promise<HttpAnswer> => httpAnswer(app.url, path, headers, init);

const DOCS = ['/.well-known/smart-configuration', '/.well-known/openid-configuration'];
const FORGED = 'evil.example';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PKCE = pkce();

/** Every string value in a discovery document that looks like a URL. */
const urlsIn = (doc: Record<string, unknown>): string[] =>
  JSON.stringify(doc).match(/https?:\/\/[^"]+/g) ?? [];

/** The 421 answer: JSON `invalid_request`, not cacheable, nothing from the forged host. */
function expectMisdirected(res: HttpAnswer): void {
  expect(res.status).toBe(421);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.location).toBeUndefined();
  const body = JSON.parse(res.body) as Record<string, string>;
  expect(body.error).toBe('invalid_request');
  expect(body.error_description).toMatch(/host this server does not serve/);
  expect(res.body).not.toContain(FORGED);
}

const authorizeQuery = (app: SecurityApp, clientId: string) =>
  new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'openid patient/composition-*.rs',
    state: 'state-1234567890',
    aud: app.url,
    code_challenge: PKCE.challenge,
    code_challenge_method: 'S256',
  }).toString();

const APP_METADATA = {
  client_name: 'Host test app',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: [REDIRECT_URI],
  scope: 'openid launch/patient patient/composition-*.rs',
};

describe('strict host names (no allowed hosts, no trusted proxy)', () => {
  let t: SecurityApp;
  let host: string;
  let clientId: string;

  beforeAll(async () => {
    t = await startSecurityApp();
    host = new URL(t.url).host;
    clientId = await saveClient(t.app, APP_METADATA);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([...DOCS, '/auth/jwks'])('%s with a forged Host is 421', async (path) => {
    expectMisdirected(await send(t, path, { host: FORGED }));
  });

  it('an absolute-form request target naming another host is 421 (RFC 9112 §3.2.2)', async () => {
    for (const path of DOCS) {
      expectMisdirected(await send(t, `http://${FORGED}${path}`, { host }));
      const own = await send(t, `${t.url}${path}`, { host: FORGED });
      expect(own.status).toBe(200);
      expect(urlsIn(JSON.parse(own.body) as Record<string, unknown>).join(' ')).not.toContain(
        FORGED,
      );
    }
  });

  it('X-Forwarded-Host cannot rescue a forged Host when the proxy is not trusted', async () => {
    expectMisdirected(
      await send(t, DOCS[1], {
        host: FORGED,
        'x-forwarded-host': host,
        'x-forwarded-proto': 'http',
      }),
    );
  });

  it('authorization, logout, token and login endpoints refuse a forged Host, no redirect', async () => {
    expectMisdirected(
      await send(t, `/auth/authorize?${authorizeQuery(t, clientId)}`, { host: FORGED }),
    );
    expectMisdirected(await send(t, '/auth/logout', { host: FORGED }));
    expectMisdirected(
      await send(
        t,
        '/auth/token',
        { host: FORGED, ...FORM, authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
        { method: 'POST', body: 'grant_type=client_credentials&scope=admin' },
      ),
    );
    expectMisdirected(
      await send(
        t,
        '/interaction/some-uid/login',
        { host: FORGED, ...FORM },
        { method: 'POST', body: 'username=clinician&password=clinician' },
      ),
    );
  });

  it('a client assertion minted for a forged token URL is refused even with that Host', async () => {
    const client = await makeKeyClient('ES384');
    await registerKeyClient(t.app, client);
    const form = (assertion: string) =>
      new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/composition-*.rs',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      });
    const forgedAud = await client.assertion(`http://${FORGED}/auth/token`);
    const res = await send(
      t,
      '/auth/token',
      { host: FORGED, ...FORM },
      { method: 'POST', body: form(forgedAud).toString() },
    );
    expectMisdirected(res);
    const own = await send(
      t,
      '/auth/token',
      { host, ...FORM },
      { method: 'POST', body: form(await client.assertion(`${t.url}/auth/token`)).toString() },
    );
    expect(own.status).toBe(200);
  });

  it('health answers any Host (load balancers probe by IP); other paths do not', async () => {
    for (const odd of ['10.1.2.3:8080', FORGED, '[fd00::1]']) {
      expect((await send(t, '/health/live', { host: odd })).status).toBe(200);
      expect((await send(t, '/health/ready', { host: odd })).status).toBe(200);
      expect((await send(t, '/auth/jwks', { host: odd })).status).toBe(421);
    }
    const noHost = await rawRequest(t.url, 'GET /health/live HTTP/1.0\r\n\r\n');
    expect(noHost.status).toBe(200);
    const noHostJwks = await rawRequest(t.url, 'GET /auth/jwks HTTP/1.0\r\n\r\n');
    expect(noHostJwks.status).toBe(421);
  });

  it('discovery is cacheable, the same for every request, with Vary: Origin where CORS reflects it', async () => {
    const answers = await Promise.all(
      DOCS.flatMap((path) =>
        (
          [{}, { origin: 'https://app.example' }, { 'x-forwarded-host': FORGED }] as Record<
            string,
            string
          >[]
        ).map((extra) => send(t, path, { host, ...extra }).then((res) => ({ path, res }))),
      ),
    );
    for (const path of DOCS) {
      const same = answers.filter((a) => a.path === path);
      expect(new Set(same.map((a) => a.res.body)).size).toBe(1);
      const urls = urlsIn(JSON.parse(same[0].res.body) as Record<string, unknown>);
      expect(urls.length).toBeGreaterThan(5);
      expect(urls.filter((u) => !u.startsWith(`${t.url}/`) && u !== t.url)).toEqual([]);
      for (const { res } of same) {
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('public, max-age=300');
        // smart-configuration: CORS `*`; openid-configuration reflects Origin, so says so.
        if (path === DOCS[0]) expect(res.headers['access-control-allow-origin']).toBe('*');
        else expect(String(res.headers.vary).toLowerCase()).toContain('origin');
      }
    }
  });
});

describe('SMART_ALLOWED_HOSTS: a second host name answers with the public URLs', () => {
  let t: SecurityApp;
  let host: string;
  let clientId: string;
  const SECOND = 'auth.internal';

  beforeAll(async () => {
    // `localhost` resolves for the browser-like flow; `auth.internal` is sent as Host only.
    t = await startSecurityApp({ SMART_ALLOWED_HOSTS: `${SECOND}, localhost` });
    host = new URL(t.url).host;
    clientId = await saveClient(t.app, APP_METADATA);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(DOCS)('%s on the second host is byte for byte the public one', async (path) => {
    const own = await send(t, path, { host });
    const second = await send(t, path, { host: `${SECOND}:8443` });
    expect(second.status).toBe(200);
    expect(second.body).toBe(own.body);
    expect(second.body).not.toContain(SECOND);
  });

  it('a client assertion must name the public token URL, not the second host', async () => {
    const client = await makeKeyClient('ES384');
    await registerKeyClient(t.app, client);
    const body = async (aud: string) =>
      new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/composition-*.rs',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await client.assertion(aud),
      }).toString();
    const port = new URL(t.url).port;
    const wrong = await send(
      t,
      '/auth/token',
      { host: `${SECOND}:${port}`, ...FORM },
      { method: 'POST', body: await body(`http://${SECOND}:${port}/auth/token`) },
    );
    expect(wrong.status).toBe(401);
    expect((JSON.parse(wrong.body) as { error: string }).error).toBe('invalid_client');
    const right = await send(
      t,
      '/auth/token',
      { host: `${SECOND}:${port}`, ...FORM },
      { method: 'POST', body: await body(`${t.url}/auth/token`) },
    );
    expect(right.status).toBe(200);
    const { access_token: token } = JSON.parse(right.body) as { access_token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
      iss: string;
    };
    expect(claims.iss).toBe(t.url);
    expect((await send(t, '/auth/jwks', { host: SECOND })).status).toBe(200);
  });

  it('browser pages on the second host are redirected to the same page on the public URL', async () => {
    const query = authorizeQuery(t, clientId);
    for (const path of [`/auth/authorize?${query}`, '/auth/logout', '/account/apps']) {
      const res = await send(t, path, { host: SECOND });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`${t.url}${path}`);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('a whole user flow started on the second host runs on the public URL', async () => {
    const seen: string[] = [];
    const agent = new (class extends UserAgent {
      override async request(url: string, init?: RequestInit): Promise<Response> {
        const res = await super.request(url, init);
        const location = res.headers.get('location');
        if (location) seen.push(location);
        const html = await res.clone().text();
        for (const m of html.matchAll(/(?:action|href)="([^"]*)"/g)) seen.push(m[1]);
        return res;
      }
    })();
    const second = t.url.replace('127.0.0.1', 'localhost');
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      agent,
      scope: 'openid launch/patient patient/composition-*.rs',
      startUrl: `${second}/auth/authorize?${authorizeQuery(t, clientId)}`,
    });
    expect(flow.callback.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(flow.callback.searchParams.get('iss')).toBe(t.url);
    expect(seen.length).toBeGreaterThan(3);
    const foreign = seen.filter(
      (u) => /^[a-z]+:/i.test(u) && !u.startsWith(`${t.url}/`) && !u.startsWith(REDIRECT_URI),
    );
    expect(foreign).toEqual([]);
    expect(seen.filter((u) => u.includes('localhost'))).toEqual([]);
    // The code the public host issued redeems there.
    const res = await redeem(t.url, clientId, { ...flow, verifier: PKCE.verifier });
    expect(res.status).toBe(200);
  });

  it('a host not in the list is still 421', async () => {
    expectMisdirected(await send(t, DOCS[0], { host: FORGED }));
    expectMisdirected(await send(t, DOCS[0], { host: `${SECOND}.${FORGED}` }));
  });
});

describe('SMART_TRUST_PROXY=true: X-Forwarded-Host is held to the same list', () => {
  let t: SecurityApp;
  let host: string;
  const SECOND = 'auth.internal:8443';

  beforeAll(async () => {
    t = await startSecurityApp({ SMART_TRUST_PROXY: 'true', SMART_ALLOWED_HOSTS: SECOND });
    host = new URL(t.url).host;
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([...DOCS, '/auth/jwks'])('%s with a forged X-Forwarded-Host is 421', async (path) => {
    expectMisdirected(await send(t, path, { host, 'x-forwarded-host': FORGED }));
    expectMisdirected(await send(t, path, { host, 'x-forwarded-host': `${FORGED}, ${host}` }));
  });

  it('the authorization endpoint refuses a forged X-Forwarded-Host', async () => {
    expectMisdirected(
      await send(t, '/auth/authorize?client_id=x', { host, 'x-forwarded-host': FORGED }),
    );
  });

  it.each(DOCS)(
    '%s: the public or an allowed forwarded host (any internal Host, any proto) gets the public URLs',
    async (path) => {
      const own = await send(t, path, { host });
      for (const forwarded of [host, SECOND]) {
        const res = await send(t, path, {
          host: 'app-7f9c:3000',
          'x-forwarded-host': forwarded,
          'x-forwarded-proto': 'https',
        });
        expect(res.status).toBe(200);
        expect(res.body).toBe(own.body);
      }
      const urls = urlsIn(JSON.parse(own.body) as Record<string, unknown>);
      expect(urls.filter((u) => !u.startsWith(t.url))).toEqual([]);
    },
  );

  it('without X-Forwarded-Host the Host is checked', async () => {
    expect((await send(t, DOCS[0], { host })).status).toBe(200);
    expectMisdirected(await send(t, DOCS[0], { host: FORGED }));
  });
});
