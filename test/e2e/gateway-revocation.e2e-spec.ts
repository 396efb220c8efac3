import { makeAdminApi } from '../factories/admin-api.factory.js';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI, type FlowResult } from '../support/smart-flow.js';
import { formField, UserAgent } from '../support/user-agent.js';
import { isLookup, startFakeCdr, type FakeCdr } from '../resource-server/fake-cdr.js';

type Json = Record<string, any>;
const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SCOPE = 'launch/patient offline_access patient/composition-*.rs';

/**
 * Item 2 of issue 13: every way a grant or token is revoked reaches the platform's own openEHR
 * gateway, which verifies JWTs locally: the token is refused with 401 `invalid_token` on its very
 * next request, and the CDR never sees it.
 */
describe('revocation reaches the openEHR gateway (same instance)', () => {
  let storage: TestStorage;
  let cdr: FakeCdr;
  let t: TestApp;
  let api: ReturnType<typeof makeAdminApi>;

  beforeAll(async () => {
    storage = await createTestStorage();
    cdr = await startFakeCdr();
    t = await startTestApp(storage, { SMART_OPENEHR_UPSTREAM_URL: cdr.url });
    api = makeAdminApi(t.url, await adminToken(t.url));
  });
  afterAll(async () => {
    await t.close();
    await cdr.close();
    await storage.dispose();
  });

  const newApp = (name = 'Revocation test app') =>
    saveClient(t.app, {
      client_name: name,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: SCOPE,
    });
  const login = (clientId: string, agent?: UserAgent) =>
    authorizeAsUser({
      base: t.url,
      clientId,
      scope: SCOPE,
      username: 'patient',
      password: 'patient',
      agent,
    });
  const tokensOf = async (clientId: string, flow: FlowResult): Promise<Json> => {
    const res = await redeem(t.url, clientId, flow);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };
  const refresh = (clientId: string, refreshToken: string) =>
    postForm(`${t.url}/auth/token`, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
    });
  const forwarded = () => cdr.requests.filter((r) => !isLookup(r)).length;
  const read = (token: string) =>
    fetch(`${t.url}/openehr/rest/v1/ehr/${PATIENT_EHR}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  const expectAccepted = async (token: string) => expect((await read(token)).status).toBe(200);
  /** 401 invalid_token with an RFC 6750 challenge, and nothing forwarded. */
  const expectRefused = async (token: string) => {
    const before = forwarded();
    const res = await read(token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="openehr", error="invalid_token", error_description="[^"]*revoked/,
    );
    expect(((await res.json()) as Json).error).toBe('invalid_token');
    expect(forwarded()).toBe(before);
  };

  it('RFC 7009 on the access token refuses that token; another token of the grant still works', async () => {
    const app = await newApp();
    const tokens = await tokensOf(app, await login(app));
    const next = (await (await refresh(app, tokens.refresh_token)).json()) as Json;
    await expectAccepted(tokens.access_token);
    const res = await postForm(`${t.url}/auth/revoke`, {
      token: tokens.access_token,
      client_id: app,
    });
    expect(res.status).toBe(200);
    await expectRefused(tokens.access_token);
    await expectAccepted(next.access_token);
  });

  it("RFC 7009 on the refresh token refuses the grant's access tokens", async () => {
    const app = await newApp();
    const tokens = await tokensOf(app, await login(app));
    await expectAccepted(tokens.access_token);
    const res = await postForm(`${t.url}/auth/revoke`, {
      token: tokens.refresh_token,
      client_id: app,
    });
    expect(res.status).toBe(200);
    await expectRefused(tokens.access_token);
  });

  it('a reused refresh token refuses every access token of the grant', async () => {
    const app = await newApp();
    const first = await tokensOf(app, await login(app));
    const rotated = await refresh(app, first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as Json;
    await expectAccepted(second.access_token);
    const reuse = await refresh(app, first.refresh_token);
    expect(reuse.status).toBe(400);
    await expectRefused(first.access_token);
    await expectRefused(second.access_token);
  });

  it('a replayed code refuses the tokens the code yielded', async () => {
    const app = await newApp();
    const flow = await login(app);
    const tokens = await tokensOf(app, flow);
    await expectAccepted(tokens.access_token);
    const replay = await redeem(t.url, app, flow);
    expect(replay.status).toBe(400);
    await expectRefused(tokens.access_token);
  });

  it("the user revoking the app on the account page refuses its tokens, not the other app's", async () => {
    const [diary, tracker] = [await newApp('Diary'), await newApp('Tracker')];
    const agent = new UserAgent();
    const diaryTokens = await tokensOf(diary, await login(diary, agent));
    const trackerTokens = await tokensOf(tracker, await login(tracker, agent));
    await expectAccepted(diaryTokens.access_token);
    const page = await (await agent.request(`${t.url}/account/apps`)).text();
    const revoked = await agent.submit(`${t.url}/account/apps/revoke`, {
      client_id: diary,
      csrf: formField(page, 'csrf'),
    });
    expect(revoked.status).toBe(303);
    await expectRefused(diaryTokens.access_token);
    await expectAccepted(trackerTokens.access_token);
  });

  it('an admin suspending a client refuses the tokens it holds; approved again, new tokens work', async () => {
    const app = await newApp();
    const tokens = await tokensOf(app, await login(app));
    await expectAccepted(tokens.access_token);
    expect((await api.post(`/admin/clients/${app}/suspend`)).status).toBe(200);
    await expectRefused(tokens.access_token);
    expect((await api.post(`/admin/clients/${app}/approve`)).status).toBe(200);
    await expectRefused(tokens.access_token);
    // Tokens issued in the second of the suspension are refused too (fail closed): a new
    // login a moment later works.
    let status = 0;
    for (let i = 0; i < 30 && status !== 200; i += 1) {
      status = (await read((await tokensOf(app, await login(app))).access_token)).status;
    }
    expect(status).toBe(200);
  });

  it('an admin deleting a client refuses the tokens it holds', async () => {
    const app = await newApp();
    const tokens = await tokensOf(app, await login(app));
    await expectAccepted(tokens.access_token);
    expect((await api.delete(`/admin/clients/${app}`)).status).toBe(204);
    await expectRefused(tokens.access_token);
  });

  it("an admin revoking a user's grants refuses every token of that user, and their refresh tokens", async () => {
    const [a, b] = [await newApp('A'), await newApp('B')];
    const ta = await tokensOf(a, await login(a));
    const tb = await tokensOf(b, await login(b));
    const other = await tokensOf(
      a,
      await authorizeAsUser({ base: t.url, clientId: a, scope: SCOPE }), // clinician
    );
    const res = await api.post('/admin/users/patient/revoke');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sub: 'patient', revoked_before: expect.any(Number) });
    expect(res.body.grants_revoked).toBeGreaterThanOrEqual(2);
    expect(res.body.sessions_ended).toBeGreaterThanOrEqual(1);
    await expectRefused(ta.access_token);
    await expectRefused(tb.access_token);
    expect((await refresh(a, ta.refresh_token)).status).toBe(400);
    expect((await refresh(b, tb.refresh_token)).status).toBe(400);
    // The clinician's grant with the same app is untouched.
    expect((await refresh(a, other.refresh_token)).status).toBe(200);
  });
});
