import { basic } from '../support/app.harness.js';
import { postForm } from '../support/clients.js';
import {
  bodyOf,
  FORM,
  publicApp,
  rawRequest,
  SCOPE,
  SECRET,
  secretClient,
  startSecurityApp,
  type SecurityApp,
} from './security.support.js';

/** No stack trace, driver or SQL text in an answer. */
const LEAKS =
  /\bat [\w.<>]+ \(|\.(js|ts):\d+|SQLITE|QueryFailedError|syntax error at|node_modules/i;

/**
 * B.1 #45-#47 and the malformed-input list: oversized bodies, huge headers, JSON posted
 * as a form, duplicate parameters, bad percent-encoding, NUL and control characters, invalid
 * UTF-8, 50 KB strings and 10,000 scopes, huge JWTs, truncated bodies. Every one is a 4xx with
 * the exact error, in bounded time, never a 500, and issues nothing.
 */
describe('malformed input: 4xx in bounded time, never a 500', () => {
  let t: SecurityApp;
  let clientId: string;
  let tokenUrl: string;

  beforeAll(async () => {
    t = await startSecurityApp();
    clientId = await secretClient(t.app);
    tokenUrl = `${t.url}/auth/token`;
  });
  afterAll(() => t.close());

  /** Sends, then checks status, error, timing and that nothing leaked or was issued. */
  const expectRefused = async (
    send: () => Promise<Response>,
    status: number,
    error: string | undefined,
    maxMs = 1500,
  ) => {
    const started = Date.now();
    const res = await send();
    const elapsed = Date.now() - started;
    const text = await res.text();
    expect({ status: res.status, text: text.slice(0, 300) }).toMatchObject({ status });
    if (error) expect(JSON.parse(text)).toMatchObject({ error });
    expect(text).not.toMatch(LEAKS);
    expect(text).not.toContain('access_token');
    expect(elapsed).toBeLessThan(maxMs);
  };

  const tokenForm =
    (body: string, headers: Record<string, string> = {}) =>
    () =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: { ...FORM, authorization: basic(clientId, SECRET), ...headers },
        body,
      });

  describe('#45 sizes and content types', () => {
    const big = 'x'.repeat(60 * 1024);
    it.each([
      ['token', '/auth/token', 413],
      ['PAR', '/auth/par', 413],
      ['introspection', '/auth/introspect', 413],
      ['revocation', '/auth/revoke', 413],
      ['registration', '/auth/register', 413],
      ['login', '/interaction/some-uid/login', 413],
    ])('a 60 KiB form to the %s endpoint is 413', async (_name, path, status) => {
      await expectRefused(
        () => postForm(`${t.url}${path}`, { grant_type: 'client_credentials', pad: big }),
        status,
        'invalid_request',
      );
    });

    it('a 2 MiB form is 413 too', async () => {
      const huge = 'x'.repeat(2 * 1024 * 1024);
      await expectRefused(() => postForm(tokenUrl, { pad: huge }), 413, 'invalid_request', 3000);
    });

    it('headers beyond 16 KiB are 431', async () => {
      const answer = await rawRequest(
        t.url,
        `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.status).toBe(431);
    });

    it('JSON posted to the token endpoint is invalid_request', async () => {
      await expectRefused(
        () =>
          fetch(tokenUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: basic(clientId, SECRET) },
            body: JSON.stringify({ grant_type: 'client_credentials', scope: SCOPE }),
          }),
        400,
        'invalid_request',
      );
    });

    it('JSON posted to introspection is invalid_request', async () => {
      await expectRefused(
        () =>
          fetch(`${t.url}/auth/introspect`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: basic(clientId, SECRET) },
            body: JSON.stringify({ token: 'x' }),
          }),
        400,
        'invalid_request',
      );
    });

    it('malformed JSON to the admin API is 400', async () => {
      await expectRefused(
        () =>
          fetch(`${t.url}/admin/clients`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"client_name": ',
          }),
        400,
        undefined,
      );
    });
  });

  describe('#46 malformed form bodies', () => {
    it.each([
      [
        'duplicate grant_type',
        'grant_type=client_credentials&grant_type=client_credentials',
        'invalid_request',
      ],
      [
        'duplicate scope',
        `grant_type=client_credentials&scope=${SCOPE}&scope=${SCOPE}`,
        'invalid_request',
      ],
      ['bad percent-encoding', 'grant_type=client_credentials&scope=%E0%A4%A', 'invalid_scope'],
      ['a stray percent sign', 'grant_type=client%credentials', 'unsupported_grant_type'],
      [
        'a NUL byte in a value',
        'grant_type=client_credentials%00&scope=x',
        'unsupported_grant_type',
      ],
      [
        'a NUL byte in the scope',
        `grant_type=client_credentials&scope=${SCOPE}%00`,
        'invalid_scope',
      ],
      ['invalid UTF-8', 'grant_type=client_credentials&scope=%FF%FE%FD', 'invalid_scope'],
      ['no grant_type', 'scope=x', 'invalid_request'],
    ])('%s → %s', async (_name, body, error) => {
      await expectRefused(tokenForm(body), 400, error);
    });

    it('raw NUL bytes and invalid UTF-8 bytes in the body', async () => {
      const bytes = Buffer.concat([
        Buffer.from('grant_type=client_credentials&scope='),
        Buffer.from([0x00, 0xff, 0xfe, 0x80]),
      ]);
      await expectRefused(
        () =>
          fetch(tokenUrl, {
            method: 'POST',
            headers: { ...FORM, authorization: basic(clientId, SECRET) },
            body: bytes,
          }),
        400,
        'invalid_scope',
      );
    });

    it('a truncated body (Content-Length longer than what arrives) is 400', async () => {
      const answer = await rawRequest(
        t.url,
        [
          'POST /auth/token HTTP/1.1',
          `Host: ${new URL(t.url).host}`,
          'Content-Type: application/x-www-form-urlencoded',
          'Content-Length: 1000',
          'Connection: close',
          '',
          'grant_type=client_cre',
        ].join('\r\n'),
        { halfClose: true, timeoutMs: 5000 },
      );
      expect(answer.status).toBe(400);
      expect(answer.ms).toBeLessThan(3000);
      expect(answer.body).not.toMatch(LEAKS);
    });
  });

  describe('#47 scopes and long strings', () => {
    it.each([
      ['Unicode', 'system/composition-é.rs'],
      ['a control character', 'system/composition-*.rs\u0001'],
      ['a line feed', 'system/composition-*.rs\nsystem/x.r'],
      ['a double quote', 'system/composition-"x".rs'],
      ['a backslash', 'system/composition-\\x.rs'],
      ['a 50 KB scope token', `system/composition-${'a'.repeat(50_000)}.rs`],
      ['10,000 scopes', Array.from({ length: 10_000 }, (_, i) => `s${i.toString(36)}`).join(' ')],
    ])('a scope with %s is invalid_scope, fast', async (_name, scope) => {
      await expectRefused(
        tokenForm(new URLSearchParams({ grant_type: 'client_credentials', scope }).toString()),
        400,
        'invalid_scope',
      );
    });

    it('a 50 KB client_id is invalid_client', async () => {
      await expectRefused(
        () =>
          postForm(tokenUrl, {
            grant_type: 'client_credentials',
            client_id: 'c'.repeat(50_000),
            client_secret: 'x',
          }),
        401,
        'invalid_client',
      );
    });

    it.each([
      [
        'code',
        {
          grant_type: 'authorization_code',
          redirect_uri: 'http://127.0.0.1:9/callback',
          code_verifier: 'v'.repeat(43),
        },
      ],
      ['refresh_token', { grant_type: 'refresh_token' }],
    ])('a 50 KB %s is invalid_grant', async (param, form) => {
      const appId = await publicApp(t.app);
      await expectRefused(
        () => postForm(tokenUrl, { ...form, client_id: appId, [param]: 'c'.repeat(50_000) }),
        400,
        'invalid_grant',
      );
    });

    it('a 40 KB state at the authorization endpoint is refused (URL too long: 431 or 414)', async () => {
      const answer = await rawRequest(
        t.url,
        `GET /auth/authorize?client_id=x&state=${'s'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      expect([414, 431]).toContain(answer.status);
    });
  });

  describe('huge and malformed JWTs', () => {
    it.each([
      ['garbage', 'not-a-jwt'],
      ['three dots of nothing', '..'],
      ['a 14 KB JWT', `eyJhbGciOiJFUzI1NiJ9.${'A'.repeat(14_000)}.sig`],
      [
        'an alg:none JWT',
        `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${Buffer.from('{"sub":"x","scope":"admin"}').toString('base64url')}.`,
      ],
    ])('%s as a bearer token: 401 at the admin API and at userinfo', async (_name, jwt) => {
      for (const path of ['/admin/clients', '/auth/userinfo']) {
        await expectRefused(
          () => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${jwt}` } }),
          401,
          'invalid_token',
        );
      }
    });

    it('a 14 KB JWT to introspect is active:false', async () => {
      const res = await postForm(
        `${t.url}/auth/introspect`,
        { token: `eyJhbGciOiJFUzI1NiJ9.${'A'.repeat(14_000)}.sig` },
        { authorization: basic(clientId, SECRET) },
      );
      expect(res.status).toBe(200);
      expect(await bodyOf(res)).toEqual({ active: false });
    });
  });

  it('the server is still healthy afterwards', async () => {
    expect((await fetch(`${t.url}/health/ready`)).status).toBe(200);
    const ok = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', scope: SCOPE },
      {
        authorization: basic(clientId, SECRET),
      },
    );
    expect(ok.status).toBe(200);
  });
});
