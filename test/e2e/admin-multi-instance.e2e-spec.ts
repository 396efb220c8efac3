import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { makeAdminApi, secretToken } from '../factories/admin-api.factory.js';
import { makeSymmetricClient } from '../factories/client.factory.js';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

const SCOPE = 'system/composition-*.rs';
/**
 * Two instances sharing one PostgreSQL database: a change at A is effective at B at once. Runs on
 * PostgreSQL in both test passes (the SQLite pass uses the machine's shared server).
 */
describe('admin API: two instances, one PostgreSQL', () => {
  let storage: TestStorage;
  let a: TestApp;
  let b: TestApp;
  let apiA: ReturnType<typeof makeAdminApi>;

  beforeAll(async () => {
    storage = await createTestStorage({ postgres: true });
    a = await startTestApp(storage);
    b = await startTestApp(storage);
    apiA = makeAdminApi(a.url, await adminToken(a.url));
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await storage.dispose();
  });

  const listeners = async (terminate = false): Promise<number> => {
    const db = new pg.Client({ connectionString: storage.databaseUrl });
    await db.connect();
    try {
      const sql = terminate
        ? `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`
        : `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`;
      return (await db.query(sql)).rowCount ?? 0;
    } finally {
      await db.end();
    }
  };

  it('suspend, approve and rotate at A take effect on the very next request at B', async () => {
    const { body: client } = await apiA.post('/admin/clients', makeSymmetricClient());
    const atB = (secret: string) => secretToken(b.url, client.client_id, secret, SCOPE);
    // Warm B's cache.
    expect((await atB(client.client_secret)).status).toBe(200);
    expect((await atB(client.client_secret)).status).toBe(200);

    expect((await apiA.post(`/admin/clients/${client.client_id}/suspend`)).status).toBe(200);
    const refused = await atB(client.client_secret);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');

    expect((await apiA.post(`/admin/clients/${client.client_id}/approve`)).status).toBe(200);
    expect((await atB(client.client_secret)).status).toBe(200);

    const rotated = await apiA.post(`/admin/clients/${client.client_id}/secret`, {
      overlap_seconds: 0,
    });
    expect((await atB(client.client_secret)).status).toBe(401);
    expect((await atB(rotated.body.client_secret)).status).toBe(200);
  });

  it('a registered scope changed at A is what B grants next', async () => {
    const { body: client } = await apiA.post('/admin/clients', makeSymmetricClient());
    const wider = 'system/composition-*.crus';
    expect((await secretToken(b.url, client.client_id, client.client_secret, wider)).status).toBe(
      400,
    );
    await apiA.patch(`/admin/clients/${client.client_id}`, { scope: wider });
    const granted = await secretToken(b.url, client.client_id, client.client_secret, wider);
    expect(granted.status).toBe(200);
    expect(granted.body.scope).toBe(wider);
  });

  it('the change listeners reconnect after their connections are killed', async () => {
    expect(await listeners()).toBe(2);
    expect(await listeners(true)).toBe(2);
    const { body: client } = await apiA.post('/admin/clients', makeSymmetricClient());
    // Even while reconnecting, B must not serve a stale (cached) client.
    expect((await secretToken(b.url, client.client_id, client.client_secret, SCOPE)).status).toBe(
      200,
    );
    await apiA.post(`/admin/clients/${client.client_id}/suspend`);
    expect((await secretToken(b.url, client.client_id, client.client_secret, SCOPE)).status).toBe(
      401,
    );

    for (let i = 0; i < 50 && (await listeners()) < 2; i += 1) await sleep(100);
    expect(await listeners()).toBe(2);
    // Notices travel asynchronously; right after a reconnection allow them a moment to arrive.
    const statusAtB = async (want: number) => {
      let status = 0;
      for (let i = 0; i < 20 && status !== want; i += 1) {
        if (i > 0) await sleep(50);
        status = (await secretToken(b.url, client.client_id, client.client_secret, SCOPE)).status;
      }
      return status;
    };
    await apiA.post(`/admin/clients/${client.client_id}/approve`);
    expect(await statusAtB(200)).toBe(200);
    await apiA.post(`/admin/clients/${client.client_id}/suspend`);
    expect(await statusAtB(401)).toBe(401);
  });
});
