import { SmartAuthHealth, type SmartAuthHealthReport } from '@smart-openehr/auth-server';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { pollUntil, startAppOnOwnPostgres, type OutageRig } from '../support/outage.harness.js';
import type { OwnPostgres } from '../support/own-postgres.js';

const LEAKS =
  /ECONNREFUSED|postgres:\/\/|127\.0\.0\.1|\bat .+\.(js|ts):\d+|QueryFailedError|stack/i;

interface Probe {
  status: number;
  retryAfter: string | null;
  text: string;
  body: Record<string, Record<string, { status: string; detail: string }>>;
}

async function get(t: TestApp, path: string): Promise<Probe> {
  const res = await fetch(`${t.url}${path}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    text,
    body: JSON.parse(text) as Probe['body'],
  };
}

const CHECKS = ['storage', 'signingKeys', 'revocationList'];

describe('health: SmartAuthHealth and /health/ready on a healthy app', () => {
  let storage: TestStorage;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
  });

  it('the port reports every check up', async () => {
    const report = await t.app.get(SmartAuthHealth).check();
    expect(report.status).toBe('up');
    expect(Object.keys(report.checks).sort()).toEqual([...CHECKS].sort());
    for (const check of Object.values(report.checks)) {
      expect(check).toEqual({ status: 'up', detail: expect.any(String) });
    }
  });

  it('readiness is 200 with each check named; liveness is 200', async () => {
    const ready = await get(t, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.retryAfter).toBeNull();
    expect(ready.body.status).toBe('ok');
    for (const name of CHECKS) expect(ready.body.details[name]?.status).toBe('up');
    expect((await get(t, '/health/live')).status).toBe(200);
  });
});

describe('health during a database outage (own PostgreSQL, stopped under a running app)', () => {
  let rig: OutageRig;
  let postgres: OwnPostgres;
  let t: TestApp;

  beforeAll(async () => {
    rig = await startAppOnOwnPostgres('health');
    ({ postgres, t } = rig);
  }, 60_000);
  afterAll(() => rig?.close(), 60_000);

  it('storage is reported down, readiness is 503 naming it, liveness stays 200', async () => {
    const health = t.app.get(SmartAuthHealth);
    expect((await health.check()).status).toBe('up');

    await postgres.stop();

    const started = Date.now();
    const report: SmartAuthHealthReport = await health.check();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(report.status).toBe('down');
    expect(report.checks.storage.status).toBe('down');
    // Held in memory: an outage does not take the engine's keys away.
    expect(report.checks.signingKeys.status).toBe('up');
    expect(JSON.stringify(report)).not.toMatch(LEAKS);

    const ready = await get(t, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.retryAfter).toMatch(/^\d+$/);
    expect(ready.body.status).toBe('error');
    expect(ready.body.error.storage?.status).toBe('down');
    expect(ready.body.info.signingKeys?.status).toBe('up');
    expect(ready.text).not.toMatch(LEAKS);
    expect((await get(t, '/health/live')).status).toBe(200);

    // Not re-read past its staleness bound, the revocation list is named too.
    const stale = await pollUntil(
      () => get(t, '/health/ready'),
      (r) => r.body.error?.revocationList?.status === 'down',
      15_000,
    );
    expect(stale.status).toBe(503);
    expect(stale.body.error.revocationList?.status).toBe('down');
    expect((await get(t, '/health/live')).status).toBe(200);

    await postgres.start();

    const back = await pollUntil(
      () => get(t, '/health/ready'),
      (r) => r.status === 200,
      15_000,
    );
    expect(back.status).toBe(200);
    expect((await health.check()).status).toBe('up');
  }, 90_000);
});
