import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { pkce, UserAgent } from '../support/user-agent.js';

const SECOND_EHR = '0f6a1c8e-2d3b-4e5f-9a7b-1c2d3e4f5a6b';
const APP_SCOPE =
  'launch launch/patient openid fhirUser profile offline_access patient/composition-*.rs user/composition-*.rs';

/**
 * The authorization endpoint refuses what SMART and OAuth 2.1 forbid, before anybody logs in:
 * redirect URIs that are not exactly registered (error page, never a redirect), other response
 * types, missing or plain PKCE, a foreign `aud`; and it takes POST as well as GET.
 * @see /work/shared/docs/security-requirements.md B.1 items 1-9, 16
 */
describe('authorization endpoint: request checks, PKCE, aud, POST', () => {
  let storage: TestStorage;
  let t: TestApp;
  let clientId: string;
  let twoRedirects: string;
  let confidential: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    const app = {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: APP_SCOPE,
    };
    clientId = await saveClient(t.app, { client_name: 'Chart', ...app });
    twoRedirects = await saveClient(t.app, {
      ...app,
      redirect_uris: [REDIRECT_URI, 'http://127.0.0.1:9/other'],
    });
    confidential = await saveClient(
      t.app,
      { ...app, token_endpoint_auth_method: 'client_secret_basic' },
      { secret: 'confidential-secret-0123456789' },
    );
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const params = (over: Record<string, string | undefined> = {}): URLSearchParams => {
    const { challenge } = pkce();
    const all: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'openid launch/patient patient/composition-*.rs',
      state: 'st-123',
      aud: t.url,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...over,
    };
    return new URLSearchParams(
      Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined),
    );
  };
  const authorize = (q: URLSearchParams) =>
    fetch(`${t.url}/auth/authorize?${q.toString()}`, { redirect: 'manual' });

  /** The error the engine redirected back with (query, or fragment for token response types). */
  const redirectedError = (res: Response) => {
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    const answer = location.hash
      ? new URLSearchParams(location.hash.slice(1))
      : location.searchParams;
    for (const leaked of ['code', 'access_token', 'id_token']) {
      expect(answer.get(leaked)).toBeNull();
      expect(location.searchParams.get(leaked)).toBeNull();
    }
    expect(answer.get('state')).toBe('st-123');
    expect(answer.get('iss')).toBe(t.url);
    return { error: answer.get('error'), description: answer.get('error_description') ?? '' };
  };

  /** An HTML error page, no redirect anywhere. */
  const errorPage = async (res: Response) => {
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    return res.text();
  };

  /** The Location names none of the posted values (they would end up in logs and Referers). */
  const expectNoPostedValue = (location: string, posted: URLSearchParams) => {
    for (const [name, value] of posted) {
      if (value.length < 8) continue; // short values ('code', 'S256') say nothing
      expect({ name, location }).toEqual({ name, location: expect.not.stringContaining(value) });
      expect(location).not.toContain(encodeURIComponent(value));
    }
    expect(location).not.toContain('?');
  };

  it('a well-formed request reaches the login page (the baseline of the refusals below), no CORS', async () => {
    const res = await fetch(`${t.url}/auth/authorize?${params().toString()}`, {
      redirect: 'manual',
      headers: { origin: 'https://app.example' },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/interaction\/[\w-]+$/);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('redirect_uri not exactly registered: error page, never a redirect', () => {
    it.each([
      ['an extra path segment', `${REDIRECT_URI}/extra`],
      ['an added query', `${REDIRECT_URI}?next=1`],
      ['a case change', REDIRECT_URI.replace('callback', 'Callback')],
      ['a trailing slash', `${REDIRECT_URI}/`],
      ['userinfo before another host', 'http://127.0.0.1:9@evil.example/callback'],
      ['a fragment', `${REDIRECT_URI}#frag`],
      ['another port', REDIRECT_URI.replace(':9/', ':10/')],
      ['another host name for the same address', REDIRECT_URI.replace('127.0.0.1', 'localhost')],
      ['another scheme', REDIRECT_URI.replace('http:', 'https:')],
    ])('%s', async (_name, redirectUri) => {
      const html = await errorPage(await authorize(params({ redirect_uri: redirectUri })));
      expect(html).toContain('redirect_uri');
    });

    it('an unknown client_id', async () => {
      const html = await errorPage(await authorize(params({ client_id: 'no-such-client' })));
      expect(html).toContain('invalid_client');
    });

    it('no redirect_uri while the client registered two', async () => {
      const html = await errorPage(
        await authorize(params({ client_id: twoRedirects, redirect_uri: undefined })),
      );
      expect(html).toContain('redirect_uri');
    });
  });

  it.each(['token', 'id_token', 'code id_token', 'code token', 'id_token token'])(
    'response_type=%s is unsupported_response_type, and yields no token',
    async (responseType) => {
      const { error } = redirectedError(await authorize(params({ response_type: responseType })));
      expect(error).toBe('unsupported_response_type');
    },
  );

  describe('PKCE (S256 only, required for every client)', () => {
    it('a missing code_challenge is refused (public and confidential clients)', async () => {
      for (const client of [clientId, confidential]) {
        const res = await authorize(
          params({
            client_id: client,
            code_challenge: undefined,
            code_challenge_method: undefined,
          }),
        );
        const { error, description } = redirectedError(res);
        expect(error).toBe('invalid_request');
        expect(description).toMatch(/PKCE/);
      }
    });

    it('code_challenge_method=plain, or no method (which would mean plain), is refused', async () => {
      const { verifier } = pkce();
      for (const method of ['plain', undefined]) {
        const res = await authorize(
          params({ code_challenge: verifier, code_challenge_method: method }),
        );
        const { error, description } = redirectedError(res);
        expect(error).toBe('invalid_request');
        expect(description).toMatch(/code_challenge_method/);
      }
    });

    it('a code_challenge outside the RFC 7636 syntax is refused', async () => {
      for (const challenge of ['short', `${'a'.repeat(129)}`, `${'a'.repeat(42)}!`]) {
        const { error } = redirectedError(await authorize(params({ code_challenge: challenge })));
        expect(error).toBe('invalid_request');
      }
    });

    it('at the token endpoint a missing, wrong or "plain" verifier is invalid_grant; the right one works', async () => {
      const agent = new UserAgent();
      const scope = 'openid patient/composition-*.rs';
      for (const bad of ['missing', 'wrong', 'plain'] as const) {
        const flow = await authorizeAsUser({ base: t.url, clientId, scope, agent });
        const code = flow.callback.searchParams.get('code');
        expect(code).toEqual(expect.any(String));
        const verifier = { missing: undefined, wrong: pkce().verifier, plain: 'x'.repeat(43) }[bad];
        const res = await fetch(`${t.url}/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: code!,
            redirect_uri: REDIRECT_URI,
            client_id: clientId,
            ...(verifier ? { code_verifier: verifier } : {}),
          }),
        });
        expect([400, 401]).toContain(res.status);
        expect(((await res.json()) as { error: string }).error).toMatch(
          /invalid_grant|invalid_request/,
        );
      }
      const good = await authorizeAsUser({ base: t.url, clientId, scope, agent });
      expect((await redeem(t.url, clientId, good)).status).toBe(200);
    });
  });

  describe('aud', () => {
    it('a resource server this platform does not serve gets no code', async () => {
      for (const aud of ['https://evil.example/fhir', `${t.url}/elsewhere`, 'not a url']) {
        const { error, description } = redirectedError(await authorize(params({ aud })));
        expect(error).toBe('invalid_request');
        expect(description).toMatch(/aud/);
      }
    });

    it('a missing aud is refused (SMART_REQUIRE_AUD defaults to true)', async () => {
      const { error, description } = redirectedError(await authorize(params({ aud: undefined })));
      expect(error).toBe('invalid_request');
      expect(description).toMatch(/aud/);
    });

    it('the openEHR service base URL is a valid aud', async () => {
      const res = await authorize(params({ aud: `${t.url}/openehr/rest/v1` }));
      expect(res.headers.get('location')).toMatch(/^\/interaction\//);
    });
  });

  it('duplicate parameters are invalid_request, and never redirect to a foreign URI', async () => {
    const q = params();
    q.append('scope', 'user/composition-*.rs');
    expect(redirectedError(await authorize(q)).error).toBe('invalid_request');
    // With the redirect URI itself ambiguous, nothing is redirected: an error page.
    const twice = params();
    twice.append('redirect_uri', REDIRECT_URI);
    const ambiguous = await authorize(twice);
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.headers.get('location')).toBeNull();
    // A second, foreign redirect_uri is never where the browser goes.
    const foreign = params();
    foreign.append('redirect_uri', 'https://evil.example/cb');
    const res = await authorize(foreign);
    expect(res.headers.get('location') ?? '').not.toContain('evil.example');
    expect(res.headers.get('location') ?? '').not.toContain('code=');
  });

  it('request objects are not taken, signed or not', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ client_id: clientId, scope: 'openid user/composition-*.cruds' }),
    ).toString('base64url')}.`;
    const { error } = redirectedError(await authorize(params({ request: none })));
    expect(error).toMatch(/^(request_not_supported|invalid_request_object)$/);
  });

  it('max_age=0 asks a signed-in user to log in again; without it the session is reused', async () => {
    const agent = new UserAgent();
    const scope = 'openid patient/composition-*.rs';
    await authorizeAsUser({ base: t.url, clientId, scope, agent });
    const reused = await authorizeAsUser({ base: t.url, clientId, scope, agent });
    expect(reused.pages).not.toContain('login');
    const forced = await authorizeAsUser({
      base: t.url,
      clientId,
      scope,
      agent,
      extra: { max_age: '0' },
    });
    expect(forced.pages[0]).toBe('login');
    expect(forced.callback.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('logout refuses a post_logout_redirect_uri the client did not register (no redirect)', async () => {
    const res = await fetch(
      `${t.url}/auth/logout?${new URLSearchParams({
        client_id: clientId,
        post_logout_redirect_uri: 'https://evil.example/after',
      }).toString()}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('prompt=none without a session is login_required', async () => {
    const { error } = redirectedError(await authorize(params({ prompt: 'none' })));
    expect(error).toBe('login_required');
  });

  it('authorize-post: a POST that is not a form is refused as JSON invalid_request, never cached', async () => {
    const res = await fetch(`${t.url}/auth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientId, response_type: 'code' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description:
        'the authorization request must be a form (application/x-www-form-urlencoded)',
    });
  });

  it('authorize-post: a form POST runs the same flow (offline_access honoured) and yields a working code', async () => {
    const agent = new UserAgent();
    const { verifier, challenge } = pkce();
    const q = params({
      code_challenge: challenge,
      scope: 'launch/patient offline_access patient/composition-*.rs',
    });
    const posted = await agent.request(`${t.url}/auth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: q,
    });
    // Served in place: the answer is the interaction redirect (a 303, never a 307 that would
    // replay the form), and no posted parameter travels on in a URL.
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    expect(location).toMatch(/^\/interaction\/[\w-]+$/);
    expectNoPostedValue(location, q);
    const next = new URL(location, t.url);
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'unused',
      username: 'patient',
      password: 'patient',
      agent,
      startUrl: next.href,
    });
    expect(flow.pages).toEqual(['login', 'consent']);
    expect(flow.callback.searchParams.get('state')).toBe('st-123');
    const res = await redeem(t.url, clientId, { ...flow, verifier });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(body.scope).toBe('launch/patient offline_access patient/composition-*.rs');
    expect(body.refresh_token).toEqual(expect.any(String));
    expect(body.ehrId).toBe('7d44b88c-4199-4bad-97dc-d78268e01398');
  });

  it('authorize-post with an EHR launch: the launch is served in place and its context reaches the token', async () => {
    const launcher = await adminToken(t.url, 'launch:create');
    const created = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${launcher}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ehrId: SECOND_EHR, patient: 'pat-002', client_id: clientId }),
    });
    const { launch } = (await created.json()) as { launch: string };
    const agent = new UserAgent();
    const { verifier, challenge } = pkce();
    const q = params({
      code_challenge: challenge,
      scope: 'launch openid patient/composition-*.rs',
      state: 'posted-state-4711',
      launch,
    });
    const posted = await agent.request(`${t.url}/auth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: q,
    });
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    expect(location).toMatch(/^\/interaction\/[\w-]+$/);
    expectNoPostedValue(location, q);
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'unused',
      agent,
      startUrl: new URL(location, t.url).href,
    });
    expect(flow.pages).toEqual(['login', 'consent']);
    expect(flow.callback.searchParams.get('state')).toBe('posted-state-4711');
    const res = await redeem(t.url, clientId, { ...flow, verifier });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ehrId: SECOND_EHR, patient: 'pat-002' });
  });

  describe('authorize-post: bad input gets exactly the answer the same request by GET gets', () => {
    const byPost = (q: URLSearchParams) =>
      fetch(`${t.url}/auth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: q,
        redirect: 'manual',
      });
    const duplicated = () => {
      const q = params();
      q.append('scope', 'user/composition-*.rs');
      return q;
    };

    it.each<[string, () => URLSearchParams]>([
      ['no code_challenge', () => params({ code_challenge: undefined })],
      ['code_challenge_method=plain', () => params({ code_challenge_method: 'plain' })],
      ['a code_challenge outside the syntax', () => params({ code_challenge: 'short' })],
      ['a foreign aud', () => params({ aud: 'https://evil.example/fhir' })],
      ['no aud', () => params({ aud: undefined })],
      ['an unknown launch', () => params({ scope: 'launch openid', launch: 'no-such-launch' })],
      ['response_type=token', () => params({ response_type: 'token' })],
      ['a duplicated scope', duplicated],
      ['prompt=none without a session', () => params({ prompt: 'none' })],
    ])('%s: the same error redirect', async (_name, make) => {
      const [get, post] = [await authorize(make()), await byPost(make())];
      const viaGet = redirectedError(get);
      expect(viaGet.error).toEqual(expect.any(String));
      expect(redirectedError(post)).toEqual(viaGet);
      expect(post.headers.get('location')).toBe(get.headers.get('location'));
    });

    it.each<[string, () => URLSearchParams]>([
      ['an unknown client_id', () => params({ client_id: 'no-such-client' })],
      ['an unregistered redirect_uri', () => params({ redirect_uri: `${REDIRECT_URI}/extra` })],
    ])('%s: the same error page, no redirect', async (_name, make) => {
      const viaGet = await errorPage(await authorize(make()));
      const viaPost = await errorPage(await byPost(make()));
      expect(viaPost).toBe(viaGet);
    });
  });

  it('a POST that is not a form is refused', async () => {
    const res = await fetch(`${t.url}/auth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Object.fromEntries(params())),
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});
