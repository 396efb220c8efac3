import { setTimeout as sleep } from 'node:timers/promises';
import { makeAdminApi } from '../factories/admin-api.factory.js';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { startFakeCdr, type FakeCdr } from '../resource-server/fake-cdr.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SCOPE = 'launch/patient offline_access patient/composition-*.rs';
/** The bound the revocation list promises between instances is 1 s; allow scheduling slack. */
const BOUND_MS = 2000;

/**
 * Two instances sharing one PostgreSQL database (both test passes): a revocation made at A is
 * honoured by B's gateway within about a second (change notice, then B reads the list from its
 * cursor); an instance started later loads the list at start. Runs on PostgreSQL always.
 */
describe('revocation across instances (PostgreSQL)', () => {
  let storage: TestStorage;
  let cdr: FakeCdr;
  let a: TestApp;
  let b: TestApp;
  let app: string;

  beforeAll(async () => {
    storage = await createTestStorage({ postgres: true });
    cdr = await startFakeCdr();
    a = await startTestApp(storage, { SMART_OPENEHR_UPSTREAM_URL: cdr.url });
    // Same deployment (same issuer) behind a load balancer.
    b = await startTestApp(storage, {
      SMART_OPENEHR_UPSTREAM_URL: cdr.url,
      SMART_PUBLIC_URL: a.url,
      SMART_ALLOWED_HOSTS: '127.0.0.1', // B answers on its own port for the same issuer
    });
    app = await saveClient(a.app, {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: SCOPE,
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await cdr.close();
    await storage.dispose();
  });

  const userTokens = async (clientId = app) => {
    const flow = await authorizeAsUser({
      base: a.url,
      clientId,
      scope: SCOPE,
      username: 'patient',
      password: 'patient',
    });
    return (await (await redeem(a.url, clientId, flow)).json()) as Record<string, string>;
  };
  const readAt = (t: TestApp, token: string) =>
    fetch(`${t.url}/openehr/rest/v1/ehr/${PATIENT_EHR}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  /** Polls B's gateway (bounded) until it refuses the token; returns the last answer. */
  const refusedAt = async (t: TestApp, token: string): Promise<Response> => {
    const deadline = Date.now() + BOUND_MS;
    let res = await readAt(t, token);
    while (res.status === 200 && Date.now() < deadline) {
      await sleep(25);
      res = await readAt(t, token);
    }
    return res;
  };
  const expectRefused = async (res: Response) => {
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_token');
  };

  it("RFC 7009 at A: B's gateway refuses the grant's access token", async () => {
    const tokens = await userTokens();
    expect((await readAt(b, tokens.access_token)).status).toBe(200);
    await postForm(`${a.url}/auth/revoke`, { token: tokens.refresh_token, client_id: app });
    await expectRefused(await refusedAt(b, tokens.access_token));
  });

  it("an admin suspending the client at A: B's gateway refuses its tokens", async () => {
    const own = await saveClient(a.app, {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: SCOPE,
    });
    const tokens = await userTokens(own);
    expect((await readAt(b, tokens.access_token)).status).toBe(200);
    const api = makeAdminApi(a.url, await adminToken(a.url));
    expect((await api.post(`/admin/clients/${own}/suspend`)).status).toBe(200);
    await expectRefused(await refusedAt(b, tokens.access_token));
  });

  it("an admin revoking the user at B: A's gateway refuses the user's token", async () => {
    const tokens = await userTokens();
    expect((await readAt(a, tokens.access_token)).status).toBe(200);
    const api = makeAdminApi(b.url, await adminToken(b.url));
    expect((await api.post('/admin/users/patient/revoke')).status).toBe(200);
    await expectRefused(await refusedAt(a, tokens.access_token));
  });

  it('an instance started after the revocation loads it at start', async () => {
    const tokens = await userTokens();
    await postForm(`${a.url}/auth/revoke`, { token: tokens.access_token, client_id: app });
    const c = await startTestApp(storage, {
      SMART_OPENEHR_UPSTREAM_URL: cdr.url,
      SMART_PUBLIC_URL: a.url,
      SMART_ALLOWED_HOSTS: '127.0.0.1',
    });
    try {
      await expectRefused(await readAt(c, tokens.access_token));
    } finally {
      await c.close();
    }
  });
});
