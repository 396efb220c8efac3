import {
  ADMIN_CLIENT_ID,
  ADMIN_CLIENT_SECRET,
  basic,
  type TestApp,
} from '../support/app.harness.js';
import { pollUntil, startAppOnOwnPostgres, type OutageRig } from '../support/outage.harness.js';
import type { OwnPostgres } from '../support/own-postgres.js';

describe('database outage (own PostgreSQL, stopped and restarted under a running app)', () => {
  let rig: OutageRig;
  let postgres: OwnPostgres;
  let t: TestApp;

  beforeAll(async () => {
    rig = await startAppOnOwnPostgres('outage');
    ({ postgres, t } = rig);
  }, 60_000);
  afterAll(() => rig?.close(), 60_000);

  const get = async (path: string) => {
    const res = await fetch(`${t.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const token = async () => {
    const res = await fetch(`${t.url}/auth/token`, {
      method: 'POST',
      headers: {
        authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin' }),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  it('answers 503 while the database is down and recovers without a restart', async () => {
    // Up: live, ready, tokens.
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/health/ready')).status).toBe(200);
    const before = await token();
    expect(before.status).toBe(200);
    expect(JSON.parse(before.text)).toHaveProperty('access_token');

    await postgres.stop();

    // Readiness fails within its 2 s budget; liveness does not depend on the database.
    const startedAt = Date.now();
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    expect(Date.now() - startedAt).toBeLessThan(3000);
    expect(ready.headers.get('retry-after')).toBeTruthy();
    expect((await get('/health/live')).status).toBe(200);

    // The token endpoint: once the short client cache has lapsed, 503 temporarily_unavailable.
    const down = await pollUntil(token, (r) => r.status !== 200, 5000);
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/^application\/json/);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = JSON.parse(down.text) as Record<string, unknown>;
    expect(body.error).toBe('temporarily_unavailable');
    expect(down.text).not.toMatch(/ECONNREFUSED|\bat .+\.(js|ts):\d+|stack/i);
    // Consistently so, not once.
    for (let i = 0; i < 3; i += 1) expect((await token()).status).toBe(503);
    expect((await get('/health/live')).status).toBe(200);

    await postgres.start();

    // Same process, same pool: it reconnects on its own.
    const readyAgain = await pollUntil(
      () => get('/health/ready'),
      (r) => r.status === 200,
      15_000,
    );
    expect(readyAgain.status).toBe(200);
    const after = await pollUntil(token, (r) => r.status === 200, 15_000);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.text)).toHaveProperty('access_token');
  }, 90_000);
});
