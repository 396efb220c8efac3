import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/config/env.config.js';
import { freePort } from './free-port.js';
import { createPostgresDatabase, postgresForTests, sharedPostgresUrl } from './test-database.js';

export const ADMIN_CLIENT_ID = 'test-admin';
export const ADMIN_CLIENT_SECRET = 'test-admin-secret-0123456789';

/** Where a test app keeps its data: a temp SQLite folder, or a fresh PostgreSQL database. */
export interface TestStorage {
  dataDir: string;
  databaseUrl: string | undefined;
  dispose: () => Promise<void>;
}

/** A new, empty storage for the database this run tests (SQLite, or PostgreSQL via DATABASE_URL). */
export async function createTestStorage(
  options: { postgres?: boolean } = {},
): Promise<TestStorage> {
  const dataDir = mkdtempSync(join(tmpdir(), 'smart-auth-'));
  const pgBase = options.postgres ? postgresForTests() : sharedPostgresUrl();
  const db = pgBase ? await createPostgresDatabase(pgBase) : undefined;
  return {
    dataDir,
    databaseUrl: db?.url,
    dispose: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await db?.drop();
    },
  };
}

export interface TestApp {
  app: INestApplication;
  /** Base URL the app listens on (also its issuer). */
  url: string;
  config: AppConfig;
  close: () => Promise<void>;
}

/** Starts the reference platform on a free loopback port, issuer = that URL. */
export async function startTestApp(
  storage: Pick<TestStorage, 'dataDir' | 'databaseUrl'>,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    SMART_PUBLIC_URL: url,
    DATA_DIR: storage.dataDir,
    DATABASE_URL: storage.databaseUrl,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SMART_ADMIN_CLIENT_ID: ADMIN_CLIENT_ID,
    SMART_ADMIN_CLIENT_SECRET: ADMIN_CLIENT_SECRET,
    ...env,
  });
  const app = await createApp(config);
  try {
    await app.listen(port, '127.0.0.1');
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return { app, url, config, close: () => app.close() };
}

/** Basic credentials header for a client. */
export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** A client_credentials token for the admin client. */
export async function adminToken(url: string, scope = 'admin'): Promise<string> {
  const res = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: {
      authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) {
    throw new Error(`admin token failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

/**
 * After a host failed to boot on purpose: TypeORM's connection, started in parallel, may still be
 * loading its driver; let it finish before the test ends (jest refuses `require` after teardown).
 */
export const settleFailedBoot = (): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, 300));
