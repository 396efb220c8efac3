import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The shared PostgreSQL the test run uses, when `DATABASE_URL` points at one. */
export const sharedPostgresUrl = (): string | undefined => {
  const url = process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
};

/**
 * PostgreSQL for tests that need two instances on one database even in the SQLite run: the run's
 * database when it is PostgreSQL, otherwise the machine's shared server (CI has it on 5432).
 */
export const postgresForTests = (): string =>
  sharedPostgresUrl() ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Creates a fresh database next to `baseUrl`'s and returns its URL plus a dropper. */
export async function createPostgresDatabase(
  baseUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `smart_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
