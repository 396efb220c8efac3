import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { smartAuthDataSourceOptions } from '@smart-openehr/auth-server';
import { RateLimitRepository } from '../../libs/auth-server/src/persistence/repositories/rate-limit.repository.js';
import { DatabaseRateLimitStore } from '../../libs/auth-server/src/security/database-rate-limit.store.js';
import { createPostgresDatabase, postgresForTests } from '../support/test-database.js';

interface Database {
  /** A new connection to the same database: another instance. */
  connect(): Promise<DataSource>;
  dispose(): Promise<void>;
}

function sqlite(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'smart-rl-'));
  const options = smartAuthDataSourceOptions({ dataDir: dir });
  return Promise.resolve({
    connect: () => new DataSource(options).initialize(),
    dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
}

async function postgres(): Promise<Database> {
  const db = await createPostgresDatabase(postgresForTests());
  const options = smartAuthDataSourceOptions({ databaseUrl: db.url });
  return { connect: () => new DataSource(options).initialize(), dispose: db.drop };
}

/**
 * The shared rate-limit store (`rate_limit` table, atomic INSERT ... ON CONFLICT DO UPDATE ...
 * RETURNING) with two store instances on one database, as two server instances would be. Runs
 * on SQLite and PostgreSQL in both test passes.
 */
describe.each([
  ['SQLite', sqlite],
  ['PostgreSQL', postgres],
])('DatabaseRateLimitStore on %s', (_name, open) => {
  let db: Database;
  let sources: DataSource[];
  let a: DatabaseRateLimitStore;
  let b: DatabaseRateLimitStore;
  const errors: unknown[] = [];
  let seq = 0;
  const key = () => `test:${++seq}:${Date.now()}`;

  const store = (source: DataSource, exactFraction = 0.5) =>
    new DatabaseRateLimitStore(
      new RateLimitRepository(source),
      { syncIntervalMs: 60_000, exactFraction },
      (e) => errors.push(e),
    );
  const storedCount = async (k: string) => {
    const placeholder = sources[0].options.type === 'postgres' ? '$1' : '?';
    const rows = await sources[0].query<{ count: unknown }[]>(
      `SELECT "count" FROM rate_limit WHERE "key" = ${placeholder}`,
      [k],
    );
    return rows.length ? Number(rows[0].count) : undefined;
  };

  beforeAll(async () => {
    db = await open();
    sources = [await db.connect(), await db.connect()];
    a = store(sources[0]);
    b = store(sources[1]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    for (const s of sources) await s.destroy();
    await db.dispose();
  });

  it('below the exact fraction hits are counted locally and batched; every instance adds up', async () => {
    const k = key();
    for (let i = 0; i < 30; i++) await a.hit(k, 60_000, 1000);
    for (let i = 0; i < 20; i++) await b.hit(k, 60_000, 1000);
    expect(await storedCount(k)).toBeUndefined();
    await a.flush();
    expect(await storedCount(k)).toBe(30);
    await b.flush();
    expect(await storedCount(k)).toBe(50);
    expect(b.peek(k)?.count).toBe(50);
    await a.hit(k, 60_000, 1000);
    await a.flush();
    expect(a.peek(k)?.count).toBe(51);
    expect(errors).toEqual([]);
  });

  it('near the limit every hit is exact: after a sync two instances allow exactly the limit', async () => {
    const k = key();
    const allowed: boolean[] = [];
    const hit = async (store: DatabaseRateLimitStore) =>
      allowed.push((await store.hit(k, 60_000, 10)).count <= 10);
    for (let i = 0; i < 4; i++) await hit(a);
    await a.flush();
    for (let i = 0; i < 2; i++) await hit(b);
    await b.flush();
    // From here on both know the shared count is past half the limit: every hit is exact.
    for (let i = 0; i < 14; i++) await hit(i % 2 ? a : b);
    expect(allowed.filter(Boolean)).toHaveLength(10);
    expect(await storedCount(k)).toBe(20);
  });

  it('between syncs, the overshoot is bounded by the hits another instance counted locally', async () => {
    const k = key();
    let admitted = 0;
    // B counts 4 hits locally (below half of 10) that A cannot see yet...
    for (let i = 0; i < 4; i++) if ((await b.hit(k, 60_000, 10)).count <= 10) admitted += 1;
    // ...so A admits up to the limit on its own, then B's exact hits see the truth.
    for (let i = 0; i < 12; i++) if ((await a.hit(k, 60_000, 10)).count <= 10) admitted += 1;
    for (let i = 0; i < 4; i++) if ((await b.hit(k, 60_000, 10)).count <= 10) admitted += 1;
    // At most (instances - 1) x (ceil(limit x exactFraction) - 1) = 4 beyond the limit.
    expect(admitted).toBeGreaterThan(10);
    expect(admitted).toBeLessThanOrEqual(10 + 4);
    expect(await storedCount(k)).toBe(20);
  });

  it('concurrent hits on two instances at the limit: exactly the limit is allowed', async () => {
    const k = key();
    const exactA = store(sources[0], 0.01);
    const exactB = store(sources[1], 0.01);
    try {
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? exactA : exactB).hit(k, 60_000, 10)),
      );
      expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(counts.filter((c) => c.count <= 10)).toHaveLength(10);
    } finally {
      await exactA.close();
      await exactB.close();
    }
  });

  it('a window that ended starts afresh, in the table too', async () => {
    const k = key();
    const exact = store(sources[0], 0.01);
    try {
      expect((await exact.hit(k, 200, 10)).count).toBe(1);
      expect((await exact.hit(k, 200, 10)).count).toBe(2);
      await new Promise((r) => setTimeout(r, 250));
      const fresh = await exact.hit(k, 200, 10);
      expect(fresh.count).toBe(1);
      expect(fresh.resetAt).toBeGreaterThan(Date.now());
      expect(await storedCount(k)).toBe(1);
    } finally {
      await exact.close();
    }
  });

  it('reset forgets a key everywhere', async () => {
    const k = key();
    await a.hit(k, 60_000, 1000);
    await a.flush();
    expect(await storedCount(k)).toBe(1);
    await a.reset(k);
    expect(await storedCount(k)).toBeUndefined();
    expect(a.peek(k)).toBeUndefined();
  });

  it('without a database it decides on its local count and reports the error', async () => {
    const lonely = await db.connect();
    const offline = store(lonely, 0.01);
    await lonely.destroy();
    const k = key();
    const first = await offline.hit(k, 60_000, 2);
    const second = await offline.hit(k, 60_000, 2);
    const third = await offline.hit(k, 60_000, 2);
    expect([first.count, second.count, third.count]).toEqual([1, 2, 3]);
    expect(errors.length).toBeGreaterThan(0);
    errors.length = 0;
    await offline.close().catch(() => undefined);
  });
});
