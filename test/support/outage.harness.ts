import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './app.harness.js';
import { startOwnPostgres, type OwnPostgres } from './own-postgres.js';

/** The app on a PostgreSQL of its own, which a test may stop and restart under it. */
export interface OutageRig {
  postgres: OwnPostgres;
  t: TestApp;
  close(): Promise<void>;
}

export async function startAppOnOwnPostgres(name: string): Promise<OutageRig> {
  const postgres = await startOwnPostgres();
  const dataDir = mkdtempSync(join(tmpdir(), `smart-${name}-`));
  const t = await startTestApp({ dataDir, databaseUrl: postgres.url });
  return {
    postgres,
    t,
    close: async () => {
      await t.close().catch(() => undefined);
      await postgres.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls `probe` until `done` holds for its result or `ms` pass; returns the last result. */
export async function pollUntil<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms: number) {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!done(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await probe();
  }
  return last;
}
