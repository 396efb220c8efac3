import { makeAdminApi } from '../factories/admin-api.factory.js';
import { makeSymmetricClient } from '../factories/client.factory.js';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';

const SCOPE = 'launch/patient offline_access patient/composition-*.rs';

/** `POST /admin/users/{sub}/revoke`: authorization, effect, idempotence, audit, documentation. */
describe("admin API: revoking a user's grants", () => {
  let storage: TestStorage;
  let t: TestApp;
  let api: ReturnType<typeof makeAdminApi>;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    api = makeAdminApi(t.url, await adminToken(t.url));
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  it('needs a bearer token with admin: 401 without, 403 with launch:create only', async () => {
    const anonymous = await makeAdminApi(t.url, undefined).post('/admin/users/patient/revoke');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="smart-admin"');
    const launcher = makeAdminApi(t.url, await adminToken(t.url, 'launch:create'));
    const refused = await launcher.post('/admin/users/patient/revoke');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');
  });

  it('refuses a subject longer than 255 characters as invalid_request', async () => {
    const res = await api.post(`/admin/users/${'x'.repeat(256)}/revoke`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'sub must be 1 to 255 characters',
    });
  });

  it('is idempotent: an unknown subject is answered with zero counts, and audited', async () => {
    const res = await api.post('/admin/users/nobody-0f3a/revoke');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      sub: 'nobody-0f3a',
      revoked_before: expect.any(Number),
      grants_revoked: 0,
      sessions_ended: 0,
    });
    const audit = await api.get('/admin/audit?target_id=nobody-0f3a');
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      actor: 'test-admin',
      action: 'user.revoke_grants',
      target_type: 'user',
      target_id: 'nobody-0f3a',
      details: { grants_revoked: 0, sessions_ended: 0 },
    });
  });

  it("ends the user's grants and sessions: refresh fails, the next authorization asks to log in", async () => {
    const app = await saveClient(t.app, {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: SCOPE,
    });
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: app,
      scope: SCOPE,
      username: 'patient',
      password: 'patient',
    });
    const tokens = (await (await redeem(t.url, app, flow)).json()) as Record<string, string>;
    const res = await api.post('/admin/users/patient/revoke');
    expect(res.body).toMatchObject({ grants_revoked: 1, sessions_ended: 1 });
    const refreshed = await postForm(`${t.url}/auth/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: app,
    });
    expect(refreshed.status).toBe(400);
    const again = await authorizeAsUser({
      base: t.url,
      clientId: app,
      scope: SCOPE,
      username: 'patient',
      password: 'patient',
      agent: flow.agent,
    });
    expect(again.pages[0]).toBe('login');
    const introspected = await postForm(
      `${t.url}/auth/introspect`,
      { token: tokens.access_token },
      { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` },
    );
    expect(await introspected.json()).toEqual({ active: false });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.url}/admin/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/admin/users/{sub}/revoke'])).toEqual(['post']);
  });

  it('a revoked admin token no longer opens the admin API', async () => {
    const { body: client } = await api.post('/admin/clients', {
      ...makeSymmetricClient(),
      scope: 'admin',
    });
    const token = (await (
      await postForm(
        `${t.url}/auth/token`,
        { grant_type: 'client_credentials', scope: 'admin' },
        {
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        },
      )
    ).json()) as { access_token: string };
    const own = makeAdminApi(t.url, token.access_token);
    expect((await own.get('/admin/clients?limit=1')).status).toBe(200);
    await postForm(
      `${t.url}/auth/revoke`,
      { token: token.access_token },
      {
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      },
    );
    const refused = await own.get('/admin/clients?limit=1');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_token');
  });
});
