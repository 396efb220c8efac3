import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamicModule, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import {
  SmartAuthServerModule,
  type SmartAuthServerOptions,
  type SmartDatabaseSettings,
} from '@smart-openehr/auth-server';
import { SqliteCheckpointer } from '../../libs/auth-server/src/persistence/sqlite-checkpointer.service.js';
import { authOptionsFrom, hostTypeOrm } from '../fixtures/apps/host-config.module.js';

const CONFIG = {
  issuer: 'https://wal.host.example',
  openehrBaseUrl: 'https://wal.host.example/openehr/rest/v1',
};
/** Rows of 4 KiB: 3,000 of them are ~12 MB of log, three times SQLite's automatic threshold. */
const ROWS = 3000;
const PAYLOAD = 'x'.repeat(4096);

@Module({})
class CheckpointHostModule {
  static register(
    db: SmartDatabaseSettings,
    checkpoints?: SmartAuthServerOptions['sqliteCheckpoints'],
  ): DynamicModule {
    return {
      module: CheckpointHostModule,
      imports: [
        hostTypeOrm(db),
        SmartAuthServerModule.forRoot({
          ...authOptionsFrom(CONFIG),
          ...(checkpoints ? { sqliteCheckpoints: checkpoints } : {}),
        }),
      ],
    };
  }
}

const boot = (db: SmartDatabaseSettings, checkpoints?: 'background' | 'inline') =>
  NestFactory.createApplicationContext(CheckpointHostModule.register(db, checkpoints), {
    logger: false,
    abortOnError: false,
  });

const autocheckpoint = async (app: INestApplicationContext): Promise<number> => {
  const [row] = await app
    .get(DataSource)
    .query<{ wal_autocheckpoint: number }[]>('PRAGMA wal_autocheckpoint');
  return row.wal_autocheckpoint;
};

/** Writes ROWS rows through the application's own (main) connection, one commit each. */
async function writeRows(app: INestApplicationContext): Promise<void> {
  const dataSource = app.get(DataSource);
  for (let i = 0; i < ROWS; i++) {
    await dataSource.query(
      `INSERT INTO oidc_payload (model, id, payload, expires_at) VALUES ('WalTest', ?, ?, NULL)`,
      [`row-${i}`, PAYLOAD],
    );
  }
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/**
 * SQLite's write-ahead log is copied back into the database file by a worker thread with its own
 * connection (`sqliteCheckpoints: 'background'`, the default), never by a committing request.
 * The tests watch the database file: pages reach it only through a checkpoint.
 */
describe('SQLite checkpoints', () => {
  let dir: string;
  let file: string;
  let app: INestApplicationContext | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'smart-wal-'));
    file = join(dir, 'smart-auth.sqlite');
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('background (default): the main connection never checkpoints; the worker does, and stops before the close', async () => {
    app = await boot({ dataDir: dir });
    expect(app.get(SqliteCheckpointer).running).toBe(true);
    expect(await autocheckpoint(app)).toBe(0);

    const before = statSync(file).size;
    await writeRows(app);
    // The rows reach the database file (≥ ROWS pages of 4 KiB) without a checkpoint of the main
    // connection, whose automatic ones are off.
    expect(await eventually(() => statSync(file).size - before >= ROWS * 4096)).toBe(true);

    await app.close();
    app = undefined;
    // The worker's connection was closed first, so the main connection's close was the last:
    // it emptied and removed the log. Every row is in the database file.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = new Database(file, { readonly: true });
    const { n } = reopened
      .prepare(`SELECT count(*) AS n FROM oidc_payload WHERE model = 'WalTest'`)
      .get() as { n: number };
    reopened.close();
    expect(n).toBe(ROWS);
  });

  it('inline: SQLite checkpoints on the committing request (1,000 pages), no worker', async () => {
    app = await boot({ dataDir: dir }, 'inline');
    expect(app.get(SqliteCheckpointer).running).toBe(false);
    expect(await autocheckpoint(app)).toBe(1000);
    const before = statSync(file).size;
    await writeRows(app);
    // Checkpointed inline by the commits themselves: already in the file when the writes return.
    expect(statSync(file).size - before).toBeGreaterThanOrEqual(2 * 1000 * 4096);
  });

  it('a worker that dies hands checkpoints back to the main connection', async () => {
    app = await boot({ dataDir: dir });
    const checkpointer = app.get(SqliteCheckpointer);
    expect(await autocheckpoint(app)).toBe(0);
    // The private worker, ended from outside.
    await checkpointer['worker']?.terminate();
    expect(await eventually(() => !checkpointer.running)).toBe(true);
    expect(await autocheckpoint(app)).toBe(1000);
  });

  it('nothing to do for an in-memory database', async () => {
    app = await boot({ dataDir: ':memory:' });
    expect(app.get(SqliteCheckpointer).running).toBe(false);
  });
});
