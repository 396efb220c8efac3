import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { sharedPostgresUrl } from '../support/test-database.js';
import {
  makeKeyClient,
  registerKeyClient,
  tokenWithAssertion,
} from '../support/private-key-client.js';

describe('single-use client assertions (jti) under concurrency', () => {
  let storage: TestStorage;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    storage = await createTestStorage();
    apps.push(await startTestApp(storage));
    // Two instances share one PostgreSQL database; SQLite is embedded in one process.
    if (sharedPostgresUrl()) apps.push(await startTestApp(storage));
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    await storage.dispose();
  });

  it('accepts a fresh assertion once and refuses its replay', async () => {
    const client = await makeKeyClient('ES384');
    await registerKeyClient(apps[0].app, client);
    const tokenUrl = `${apps[0].url}/auth/token`;
    const assertion = await client.assertion(tokenUrl);
    const first = await tokenWithAssertion(tokenUrl, assertion);
    expect(first.status).toBe(200);
    const replay = await tokenWithAssertion(tokenUrl, assertion);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('20 concurrent copies of one assertion (spread over every instance) succeed exactly once', async () => {
    const client = await makeKeyClient('RS384');
    await registerKeyClient(apps[0].app, client);
    // The assertion audience is the issuer, which every instance accepts.
    const assertion = await client.assertion(apps[0].url);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tokenWithAssertion(`${apps[i % apps.length].url}/auth/token`, assertion),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    const bodies = await Promise.all(
      responses.filter((r) => r.status === 401).map((r) => r.json()),
    );
    for (const body of bodies) expect(body).toMatchObject({ error: 'invalid_client' });
  });
});
