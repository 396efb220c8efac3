import { DataSource } from 'typeorm';
import {
  CLEANUP_BATCH_ROWS,
  ExpiredRowsCleaner,
  OidcPayloadEntity,
  TypeOrmOidcAdapter,
} from '@smart-openehr/auth-server';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ExpiredRowsCleaner.runOnce', () => {
  let storage: TestStorage;
  let t: TestApp;
  let dataSource: DataSource;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    dataSource = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const ids = async (table: string, column: string): Promise<string[]> =>
    (await dataSource.getRepository(table).find())
      .map((row: Record<string, string>) => row[column])
      .sort();

  it('deletes expired payloads, launches, rate-limit windows and retired keys, and nothing else', async () => {
    const now = Date.now();
    const adapter = (model: string) =>
      new TypeOrmOidcAdapter(model, dataSource.getRepository(OidcPayloadEntity));
    const payload = (id: string) => ({ jti: id, kind: 'x', grantId: `g-${id}` });

    // oidc_payload: two short-lived rows (one consumed), one long-lived, one without expiry.
    await adapter('AuthorizationCode').upsert('code-short', payload('code-short'), 1);
    await adapter('AuthorizationCode').consume('code-short');
    await adapter('Session').upsert('session-short', payload('session-short'), 1);
    await adapter('Session').upsert('session-long', payload('session-long'), 3600);
    await adapter('Grant').upsert('grant-forever', payload('grant-forever'));
    const payloadRows = async () =>
      (await dataSource.getRepository(OidcPayloadEntity).find()).map((r) => r.grantId).sort();
    expect(await payloadRows()).toHaveLength(4);

    const launches = dataSource.getRepository('launch_context');
    const launch = (id: string, expiresAt: number) => ({
      id,
      clientId: null,
      context: '{"ehrId":"e-1"}',
      createdBy: 'test',
      expiresAt,
      consumedAt: null,
    });
    await launches.insert([launch('launch-old', now - 1000), launch('launch-live', now + 60_000)]);

    const limits = dataSource.getRepository('rate_limit');
    await limits.insert([
      { key: 'limit-old', count: 3, resetAt: now - 1000 },
      { key: 'limit-live', count: 1, resetAt: now + 60_000 },
    ]);

    const keys = dataSource.getRepository('signing_key');
    const liveKids = await ids('signing_key', 'kid');
    const material = ((await keys.find()) as { material: string }[])[0].material;
    const key = (kid: string, retireAt: number | null) => ({
      kid,
      alg: 'ES256',
      material,
      createdAt: now - 7200_000,
      activateAt: now - 7200_000,
      retireAt,
    });
    await keys.insert([key('key-retired', now - 1000), key('key-retiring', now + 60_000)]);

    await sleep(1200);
    const removed = await t.app.get(ExpiredRowsCleaner).runOnce();

    expect(removed).toBe(5);
    expect(await payloadRows()).toEqual(['g-grant-forever', 'g-session-long']);
    expect(await ids('launch_context', 'id')).toEqual(['launch-live']);
    expect(await ids('rate_limit', 'key')).toEqual(['limit-live']);
    expect(await ids('signing_key', 'kid')).toEqual([...liveKids, 'key-retiring'].sort());
    expect(await adapter('Session').find('session-long')).toMatchObject({ jti: 'session-long' });

    // Nothing left to delete; the app still signs with its keys.
    expect(await t.app.get(ExpiredRowsCleaner).runOnce()).toBe(0);
    const jwks = (await (await fetch(`${t.url}/auth/jwks`)).json()) as { keys: unknown[] };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(3);
  });

  it('deletes more expired payloads than one batch holds, and leaves live rows', async () => {
    const repo = dataSource.getRepository(OidcPayloadEntity);
    const expired = CLEANUP_BATCH_ROWS * 2 + 500;
    const row = (i: number, expiresAt: number) => ({
      model: 'ReplayDetection',
      id: `batch-${i}`,
      payload: '{}',
      grantId: null,
      userCode: null,
      uid: null,
      expiresAt,
      consumedAt: null,
    });
    const past = Date.now() - 1000;
    for (let i = 0; i < expired; i += 500) {
      await repo.insert(Array.from({ length: 500 }, (_, j) => row(i + j, past)));
    }
    await repo.insert([row(-1, Date.now() + 60_000)]);

    expect(await t.app.get(ExpiredRowsCleaner).runOnce()).toBe(expired);
    expect((await repo.findBy({ model: 'ReplayDetection' })).map((r) => r.id)).toEqual([
      'batch--1',
    ]);
  });
});
