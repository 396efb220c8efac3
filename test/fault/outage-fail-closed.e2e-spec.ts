import { adminToken, type TestApp } from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import { pollUntil, startAppOnOwnPostgres, type OutageRig } from '../support/outage.harness.js';
import type { OwnPostgres } from '../support/own-postgres.js';
import { authorizeAsUser, REDIRECT_URI } from '../support/smart-flow.js';

const USER_SCOPE = 'launch/patient offline_access patient/composition-*.rs';
const LEAKS = /ECONNREFUSED|\bat .+\.(js|ts):\d+|QueryFailedError|stack/i;

/**
 * B.1 #52 beyond `test/e2e/database-outage` (token endpoint and readiness): while the database is
 * down introspection fails closed (503, never `active: true`), a refresh is 503 and does not use
 * up its refresh token, the shared rate-limit store and the audit trail degrade without 500s;
 * afterwards the same tokens work again, without a restart. On a PostgreSQL of its own.
 */
describe('database outage: fail closed, lose nothing', () => {
  let rig: OutageRig;
  let postgres: OwnPostgres;
  let t: TestApp;

  beforeAll(async () => {
    rig = await startAppOnOwnPostgres('fault-outage');
    ({ postgres, t } = rig);
  }, 60_000);
  afterAll(() => rig?.close(), 60_000);

  it('introspection and refresh answer 503 while down, and the same tokens work afterwards', async () => {
    const appId = await saveClient(t.app, {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: USER_SCOPE,
    });
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: appId,
      scope: USER_SCOPE,
      username: 'patient',
      password: 'patient',
    });
    const tokens = (await (
      await postForm(`${t.url}/auth/token`, {
        grant_type: 'authorization_code',
        code: flow.callback.searchParams.get('code')!,
        redirect_uri: REDIRECT_URI,
        client_id: appId,
        code_verifier: flow.verifier,
      })
    ).json()) as { access_token: string; refresh_token: string };
    const bearer = { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` };
    const introspect = () =>
      postForm(`${t.url}/auth/introspect`, { token: tokens.access_token }, bearer);
    const refresh = () =>
      postForm(`${t.url}/auth/token`, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: appId,
      });
    expect(await (await introspect()).json()).toMatchObject({ active: true });

    await postgres.stop();

    for (const [name, call] of [
      ['introspection', introspect],
      ['refresh', refresh],
    ] as const) {
      const started = Date.now();
      const res = await pollUntil(call, (r) => r.status !== 200, 5000);
      const text = await res.text();
      expect({ name, status: res.status }).toEqual({ name, status: 503 });
      expect(JSON.parse(text)).toMatchObject({ error: 'temporarily_unavailable' });
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(text).not.toMatch(LEAKS);
      expect(text).not.toContain('"active":true');
      expect(Date.now() - started).toBeLessThan(8000);
    }
    // Consistently, and nothing answers 500 (rate limiting and audit writes degrade quietly).
    for (let i = 0; i < 3; i++) {
      expect((await introspect()).status).toBe(503);
      expect((await refresh()).status).toBe(503);
    }

    await postgres.start();

    const back = await pollUntil(introspect, (r) => r.status === 200, 15_000);
    expect(await back.json()).toMatchObject({ active: true });
    // The refresh token was not used up by the refused attempts.
    const refreshed = await pollUntil(refresh, (r) => r.status === 200, 15_000);
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({ refresh_token: expect.any(String) });
  }, 90_000);
});
