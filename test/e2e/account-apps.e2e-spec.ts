import { DataSource } from 'typeorm';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import { startExternalIdp, type ExternalIdp } from '../support/external-idp.js';
import { freePort } from '../support/free-port.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { formField, UserAgent } from '../support/user-agent.js';

type Json = Record<string, any>;

/**
 * `management_endpoint` (`/account/apps`): without a session it offers sign-in and returns to
 * itself; a signed-in user sees every app holding access (trusted ones included) and revokes it;
 * the revoked app's tokens stop working at once, the other apps' keep working.
 */
describe('management endpoint: the apps holding access for a user', () => {
  let storage: TestStorage;
  let t: TestApp;
  let diary: string;
  let tracker: string;
  let portal: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    const app = {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'launch/patient openid offline_access patient/composition-*.rs patient/aql-*.rs',
    };
    diary = await saveClient(t.app, { client_name: 'Symptom diary', ...app });
    tracker = await saveClient(t.app, { client_name: 'Step <tracker>', ...app });
    portal = await saveClient(t.app, { client_name: 'Clinic portal', ...app }, { trusted: true });
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const scope = 'launch/patient offline_access patient/composition-*.rs';
  const refresh = (clientId: string, token: string) =>
    postForm(`${t.url}/auth/token`, {
      grant_type: 'refresh_token',
      refresh_token: token,
      client_id: clientId,
    });
  const introspect = async (token: string) => {
    const bearer = `Bearer ${await adminToken(t.url, 'introspect')}`;
    const res = await postForm(`${t.url}/auth/introspect`, { token }, { authorization: bearer });
    return ((await res.json()) as Json).active as boolean;
  };
  /** Authorizes the app as the patient and redeems the code: its tokens. */
  const tokensFor = async (agent: UserAgent, clientId: string): Promise<Json> => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope,
      username: 'patient',
      password: 'patient',
      agent,
    });
    const res = await redeem(t.url, clientId, flow);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };
  /** Opens the account page without a session and signs in from it, as a patient would. */
  const signInOnPage = async (agent: UserAgent, username = 'patient', password = username) => {
    const offered = await agent.follow(`${t.url}/account/apps`, t.url);
    expect(offered.url).toBe(`${t.url}/account/apps/login`);
    const html = await offered.res.text();
    return agent.submit(`${t.url}/account/apps/login`, {
      csrf: formField(html, 'csrf'),
      username,
      password,
    });
  };
  const appsPage = async (agent: UserAgent) => {
    const res = await agent.request(`${t.url}/account/apps`);
    expect(res.status).toBe(200);
    return res.text();
  };

  it('is advertised in discovery', async () => {
    const doc = (await (await fetch(`${t.url}/.well-known/smart-configuration`)).json()) as Json;
    expect(doc.management_endpoint).toBe(`${t.url}/account/apps`);
  });

  it('without a session it offers sign-in (not 401), bound to the browser; revoking needs a session', async () => {
    const agent = new UserAgent();
    const res = await agent.request(`${t.url}/account/apps`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account/apps/login');
    const login = await agent.request(`${t.url}/account/apps/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(login.headers.get('cache-control')).toBe('no-store');
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('smart_account_login='));
    expect(cookie).toMatch(/; Path=\/account\/apps/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    const html = await login.text();
    expect(html).toContain('<form method="post" action="/account/apps/login">');
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
    expect(html.match(/<button/g)).toHaveLength(1);

    // A revoke without a session changes nothing and leads to the sign-in.
    const owner = new UserAgent();
    const tokens = await tokensFor(owner, diary);
    const revoke = await agent.submit(`${t.url}/account/apps/revoke`, {
      client_id: diary,
      csrf: 'x',
    });
    expect(revoke.status).toBe(303);
    expect(revoke.headers.get('location')).toBe('/account/apps/login');
    expect((await refresh(diary, tokens.refresh_token)).status).toBe(200);
  });

  it('signing in from the page returns to the page, and only there (no open redirect)', async () => {
    const agent = new UserAgent();
    const offered = await agent.follow(
      `${t.url}/account/apps?return_to=${encodeURIComponent('https://evil.example/')}`,
      t.url,
    );
    const html = await offered.res.text();
    expect(html).not.toContain('evil.example');
    const wrong = await agent.submit(`${t.url}/account/apps/login`, {
      csrf: formField(html, 'csrf'),
      username: 'patient',
      password: 'wrong',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Invalid username or password.');
    expect((await agent.request(`${t.url}/account/apps`)).status).toBe(303);

    const signedIn = await agent.submit(`${t.url}/account/apps/login?next=https://evil.example/`, {
      csrf: formField(html, 'csrf'),
      username: 'patient',
      password: 'patient',
      return_to: 'https://evil.example/',
      redirect_uri: 'https://evil.example/',
      next: '//evil.example/',
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/account/apps');
    const cleared = signedIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('smart_account_login='));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await appsPage(agent)).toContain('Signed in as');
    // Signed in already: the sign-in address sends back to the page.
    const again = await agent.request(`${t.url}/account/apps/login`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/account/apps');
    // The session is the platform's: an app opened next needs no second login.
    const flow = await authorizeAsUser({ base: t.url, clientId: tracker, scope, agent });
    expect(flow.pages).toEqual(['consent']);
  });

  it('refuses a sign-in form that did not come from this browser (login CSRF)', async () => {
    const attacker = new UserAgent();
    const theirs = await (await attacker.follow(`${t.url}/account/apps`, t.url)).res.text();
    const victim = new UserAgent();
    await victim.request(`${t.url}/account/apps/login`);
    const forms: Record<string, string>[] = [
      { csrf: formField(theirs, 'csrf') }, // a token bound to another browser
      { csrf: 'forged' },
      {},
    ];
    for (const form of forms) {
      const res = await victim.submit(`${t.url}/account/apps/login`, {
        ...form,
        username: 'clinician',
        password: 'clinician',
      });
      expect(res.status).toBe(403);
    }
    // No cookie at all (a cross-site form post from a fresh browser).
    const bare = await postForm(`${t.url}/account/apps/login`, {
      csrf: formField(theirs, 'csrf'),
      username: 'clinician',
      password: 'clinician',
    });
    expect(bare.status).toBe(403);
    expect((await victim.request(`${t.url}/account/apps`)).status).toBe(303);
  });

  it('lists every app holding access, trusted ones included, with scopes in words and last use', async () => {
    const flows = new UserAgent();
    const portalTokens = await tokensFor(flows, portal);
    // Last use is written once per grant within its resolution, not at every token.
    const uses = async () =>
      (
        await t.app
          .get(DataSource)
          .query<{ payload: string }[]>(
            `SELECT payload FROM oidc_payload WHERE model = 'AccountAppUse'`,
          )
      ).filter((r) => (JSON.parse(r.payload) as Json).clientId === portal);
    const recorded = await uses();
    expect(recorded).toHaveLength(1);
    expect((await refresh(portal, portalTokens.refresh_token)).status).toBe(200);
    expect(await uses()).toEqual(recorded);
    // Approved, but the code is never redeemed: no use yet.
    await authorizeAsUser({ base: t.url, clientId: tracker, scope, agent: flows });

    const agent = new UserAgent();
    expect((await signInOnPage(agent)).status).toBe(303);
    const html = await appsPage(agent);
    expect(html).toContain('Signed in as Pat Patterson');
    const section = (name: string) =>
      new RegExp(`<h2 id="app-\\d+">${name}</h2>[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';
    const trusted = section('Clinic portal');
    expect(trusted).toContain('Your provider trusts this app');
    expect(trusted).toContain(
      'Read and search compositions of all templates in the selected patient',
    );
    expect(trusted).toMatch(/Last used: \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
    const unused = section('Step &#60;tracker&#62;');
    expect(unused).toContain('Not used since you approved it.');
    expect(unused).not.toContain('Your provider trusts this app');
    expect(html).not.toContain('<tracker>');
  });

  it('revoking an app ends its refresh tokens, access tokens and remembered consent; others keep working', async () => {
    const flows = new UserAgent();
    const diaryTokens = await tokensFor(flows, diary);
    const trackerTokens = await tokensFor(flows, tracker);
    const portalTokens = await tokensFor(flows, portal);
    // Approved once: the next authorization of the diary needs no consent page.
    const again = await authorizeAsUser({ base: t.url, clientId: diary, scope, agent: flows });
    expect(again.pages).toEqual([]);
    const againTokens = (await (await redeem(t.url, diary, again)).json()) as Json;

    const agent = new UserAgent();
    await signInOnPage(agent);
    const html = await appsPage(agent);
    expect(html).toContain('>Symptom diary</h2>');
    expect(html).toContain('>Clinic portal</h2>');

    // A forged form (no or a wrong CSRF token) changes nothing.
    for (const csrf of [undefined, 'forged']) {
      const forged = await agent.submit(`${t.url}/account/apps/revoke`, {
        client_id: diary,
        ...(csrf ? { csrf } : {}),
      });
      expect(forged.status).toBe(403);
    }
    // A token from another session is refused as well.
    const other = new UserAgent();
    await signInOnPage(other);
    const otherCsrf = formField(await appsPage(other), 'csrf');
    expect(
      (await agent.submit(`${t.url}/account/apps/revoke`, { client_id: diary, csrf: otherCsrf }))
        .status,
    ).toBe(403);
    expect(await introspect(diaryTokens.access_token)).toBe(true);

    const revoked = await agent.submit(`${t.url}/account/apps/revoke`, {
      client_id: diary,
      csrf: formField(html, 'csrf'),
    });
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('location')).toBe('/account/apps');

    // Every grant of the diary is gone, the first and the remembered one alike.
    for (const tokens of [diaryTokens, againTokens]) {
      expect(await introspect(tokens.access_token)).toBe(false);
      const res = await refresh(diary, tokens.refresh_token);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).error).toBe('invalid_grant');
    }
    // The other apps keep working.
    expect(await introspect(trackerTokens.access_token)).toBe(true);
    expect(await introspect(portalTokens.access_token)).toBe(true);
    expect((await refresh(tracker, trackerTokens.refresh_token)).status).toBe(200);
    expect((await refresh(portal, portalTokens.refresh_token)).status).toBe(200);
    const after = await appsPage(agent);
    expect(after).not.toContain('Symptom diary');
    expect(after).toContain('Step &#60;tracker&#62;');
    // The next authorization asks for consent again.
    const fresh = await authorizeAsUser({ base: t.url, clientId: diary, scope, agent: flows });
    expect(fresh.pages).toEqual(['consent']);
  });

  it('two tabs revoking two apps at the same moment both take effect (one trusted)', async () => {
    const agent = new UserAgent();
    const otherBrowser = new UserAgent();
    await Promise.all([signInOnPage(agent), signInOnPage(otherBrowser)]);
    // The same app approved at the same moment twice: both grants are kept.
    const [first, second] = await Promise.all([
      tokensFor(agent, tracker),
      tokensFor(otherBrowser, tracker),
    ]);
    const portalTokens = await tokensFor(agent, portal);
    const csrf = formField(await appsPage(agent), 'csrf');

    const results = await Promise.all(
      [tracker, portal].map((clientId) =>
        agent.submit(`${t.url}/account/apps/revoke`, { client_id: clientId, csrf }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    for (const [clientId, tokens] of [
      [tracker, first],
      [tracker, second],
      [portal, portalTokens],
    ] as const) {
      expect(await introspect(tokens.access_token)).toBe(false);
      const res = await refresh(clientId, tokens.refresh_token);
      expect(((await res.json()) as Json).error).toBe('invalid_grant');
    }
    const html = await appsPage(agent);
    expect(html).not.toContain('Clinic portal');
    expect(html).not.toContain('Step &#60;tracker&#62;');
  });

  it("another user's session sees only their own apps", async () => {
    const agent = new UserAgent();
    await authorizeAsUser({ base: t.url, clientId: tracker, scope: 'openid', agent });
    const html = await appsPage(agent);
    expect(html).toContain('Signed in as');
    expect(html).toContain('Step &#60;tracker&#62;');
    expect(html).not.toContain('Clinic portal');
  });
});

describe('management endpoint: sign-in through the external OpenID Connect provider', () => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startExternalIdp({
      redirectUri: `http://127.0.0.1:${port}/interaction/callback/idp`,
      users: [
        {
          username: 'pat',
          password: 'pat-pass',
          claims: { sub: 'idp-patient-1', name: 'Pat from the portal', roles: ['patient'] },
        },
      ],
    });
    storage = await createTestStorage();
    t = await startTestApp(storage, {
      PORT: String(port),
      SMART_IDP_ISSUER: idp.issuer,
      SMART_IDP_CLIENT_ID: idp.clientId,
      SMART_IDP_CLIENT_SECRET: idp.clientSecret,
    });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    await idp?.close();
  });

  /** From the account page to the provider and back to the platform's callback. */
  const signInAtIdp = async (agent: UserAgent) => {
    const offered = await agent.follow(`${t.url}/account/apps`, t.url);
    const html = await offered.res.text();
    expect(html).not.toContain('name="password"');
    const started = await agent.submit(`${t.url}/account/apps/login/idp`, {
      csrf: formField(html, 'csrf'),
    });
    expect(started.status).toBe(303);
    const toIdp = started.headers.get('location')!;
    expect(toIdp.startsWith(`${idp.issuer}/auth?`)).toBe(true);
    const atIdp = new UserAgent();
    const login = await (await atIdp.follow(toIdp, idp.issuer)).res.text();
    const action = new URL(/<form method="post" action="([^"]+)"/.exec(login)![1], idp.issuer);
    const posted = await atIdp.submit(action.href, { username: 'pat', password: 'pat-pass' });
    const back = await atIdp.follow(
      new URL(posted.headers.get('location')!, action).href,
      idp.issuer,
    );
    expect(back.url.startsWith(`${t.url}/interaction/callback/idp?`)).toBe(true);
    return back.url;
  };

  it('offers the provider, and returns to the account page signed in', async () => {
    const agent = new UserAgent();
    const callback = await signInAtIdp(agent);
    const toPage = await agent.request(callback);
    expect(toPage.status).toBe(303);
    expect(toPage.headers.get('location')).toMatch(/^\/account\/apps\/login\/idp\?/);
    const done = await agent.request(new URL(toPage.headers.get('location')!, t.url).href);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account/apps');
    const html = await (await agent.request(`${t.url}/account/apps`)).text();
    expect(html).toContain('Signed in as Pat from the portal');
  });

  it("a callback completed in another browser signs nobody in (it is bound to the starter's cookie)", async () => {
    const callback = await signInAtIdp(new UserAgent());
    const victim = new UserAgent();
    await victim.request(`${t.url}/account/apps/login`);
    const toPage = await victim.request(callback);
    const done = await victim.request(new URL(toPage.headers.get('location')!, t.url).href);
    expect(done.status).toBe(401);
    expect(await done.text()).toContain('Sign-in failed');
    expect((await victim.request(`${t.url}/account/apps`)).status).toBe(303);
  });
});

describe('management endpoint: both sign-in methods (SMART_IDP_PASSWORD_LOGIN)', () => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startExternalIdp({
      redirectUri: `http://127.0.0.1:${port}/interaction/callback/idp`,
      users: [
        { username: 'pat', password: 'pat-pass', claims: { sub: 'idp-patient-2' } },
        // The same subject as the users file's `patient`.
        { username: 'twin', password: 'twin-pass', claims: { sub: 'patient', name: 'Not Pat' } },
      ],
    });
    storage = await createTestStorage();
    t = await startTestApp(storage, {
      PORT: String(port),
      SMART_IDP_ISSUER: idp.issuer,
      SMART_IDP_CLIENT_ID: idp.clientId,
      SMART_IDP_CLIENT_SECRET: idp.clientSecret,
      SMART_IDP_PASSWORD_LOGIN: 'true',
    });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    await idp?.close();
  });

  it('offers the password form and the identity server; the password signs in', async () => {
    const agent = new UserAgent();
    const offered = await agent.follow(`${t.url}/account/apps`, t.url);
    const html = await offered.res.text();
    expect(html).toContain('name="password"');
    expect(html).toContain('action="/account/apps/login/idp"');
    expect(html).toContain('Sign in with your organisation account');
    const toIdp = await agent.submit(`${t.url}/account/apps/login/idp`, {
      csrf: formField(html, 'csrf'),
    });
    expect(toIdp.status).toBe(303);
    expect(toIdp.headers.get('location')!.startsWith(`${idp.issuer}/auth?`)).toBe(true);
    const signedIn = await agent.submit(`${t.url}/account/apps/login`, {
      csrf: formField(html, 'csrf'),
      username: 'patient',
      password: 'patient',
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/account/apps');
    expect(await (await agent.request(`${t.url}/account/apps`)).text()).toContain('Signed in as');
  });

  it("refuses an identity-server login whose subject is a local account's", async () => {
    const agent = new UserAgent();
    const html = await (await agent.follow(`${t.url}/account/apps`, t.url)).res.text();
    const started = await agent.submit(`${t.url}/account/apps/login/idp`, {
      csrf: formField(html, 'csrf'),
    });
    const atIdp = new UserAgent();
    const login = await (
      await atIdp.follow(started.headers.get('location')!, idp.issuer)
    ).res.text();
    const action = new URL(/<form method="post" action="([^"]+)"/.exec(login)![1], idp.issuer);
    const posted = await atIdp.submit(action.href, { username: 'twin', password: 'twin-pass' });
    const back = await atIdp.follow(
      new URL(posted.headers.get('location')!, action).href,
      idp.issuer,
    );
    const toPage = await agent.request(back.url);
    const done = await agent.request(new URL(toPage.headers.get('location')!, t.url).href);
    expect(done.status).toBe(401);
    expect(await done.text()).toContain('Sign-in failed');
    expect((await agent.request(`${t.url}/account/apps`)).status).toBe(303);
  });
});

describe('management endpoint: the identity server alone refuses passwords', () => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startExternalIdp({
      redirectUri: `http://127.0.0.1:${port}/interaction/callback/idp`,
      users: [],
    });
    storage = await createTestStorage();
    t = await startTestApp(storage, {
      PORT: String(port),
      SMART_IDP_ISSUER: idp.issuer,
      SMART_IDP_CLIENT_ID: idp.clientId,
      SMART_IDP_CLIENT_SECRET: idp.clientSecret,
    });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    await idp?.close();
  });

  it('a posted password signs nobody in, even with a valid form token', async () => {
    const agent = new UserAgent();
    const html = await (await agent.follow(`${t.url}/account/apps`, t.url)).res.text();
    expect(html).not.toContain('name="password"');
    const posted = await agent.submit(`${t.url}/account/apps/login`, {
      csrf: formField(html, 'csrf'),
      username: 'patient',
      password: 'patient',
    });
    expect(posted.status).toBe(200);
    expect(await posted.text()).not.toContain('Signed in as');
    expect((await agent.request(`${t.url}/account/apps`)).status).toBe(303);
  });
});
