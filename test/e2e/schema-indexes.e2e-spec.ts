import { DataSource } from 'typeorm';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

/**
 * The migrations leave `oidc_payload` with partial indexes on `grant_id` and `(model, uid)`
 * (rows without those columns, such as replay records, skip them), and the adapter's lookups
 * still use them.
 */
describe('oidc_payload indexes after the migrations', () => {
  let storage: TestStorage;
  let t: TestApp;
  let dataSource: DataSource;
  let postgres: boolean;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    dataSource = t.app.get(DataSource);
    postgres = dataSource.options.type === 'postgres';
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const definition = async (name: string): Promise<string> => {
    const rows = await dataSource.query<{ sql: string }[]>(
      postgres
        ? 'SELECT indexdef AS sql FROM pg_indexes WHERE indexname = $1'
        : 'SELECT sql FROM sqlite_master WHERE type = ? AND name = ?',
      postgres ? [name] : ['index', name],
    );
    return rows[0]?.sql ?? '';
  };

  /** The query plan, with sequential scans discouraged on PostgreSQL (the table is tiny). */
  const plan = async (sql: string, params: unknown[]): Promise<string> =>
    postgres
      ? dataSource.transaction(async (manager) => {
          await manager.query('SET LOCAL enable_seqscan = off');
          const rows = await manager.query<Record<string, string>[]>(`EXPLAIN ${sql}`, params);
          return rows.map((row) => row['QUERY PLAN']).join('\n');
        })
      : (await dataSource.query<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, params))
          .map((row) => row.detail)
          .join('\n');

  it('indexes grant_id and (model, uid) only where they are set', async () => {
    expect(await definition('idx_oidc_payload_grant')).toMatch(
      /\(grant_id\)\s+WHERE\s+\(?grant_id IS NOT NULL\)?/i,
    );
    expect(await definition('idx_oidc_payload_uid')).toMatch(
      /\(model, uid\)\s+WHERE\s+\(?uid IS NOT NULL\)?/i,
    );
    expect(await definition('idx_oidc_payload_expires')).not.toMatch(/WHERE/i);
  });

  it('finds rows by grant and by uid through those indexes', async () => {
    const $ = (i: number) => (postgres ? `$${i}` : '?');
    expect(await plan(`DELETE FROM oidc_payload WHERE grant_id = ${$(1)}`, ['g-1'])).toContain(
      'idx_oidc_payload_grant',
    );
    expect(
      await plan(`SELECT payload FROM oidc_payload WHERE model = ${$(1)} AND uid = ${$(2)}`, [
        'Session',
        'u-1',
      ]),
    ).toContain('idx_oidc_payload_uid');
  });
});
