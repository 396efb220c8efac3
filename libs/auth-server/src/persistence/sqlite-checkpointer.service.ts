import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { WAL_CHECKPOINT_WORKER_SOURCE } from './wal-checkpoint.worker.js';

/** How often the worker checkpoints the log (a few thousand pages at most under full load). */
const WAL_CHECKPOINT_INTERVAL_MS = 200;

/** What this needs of a better-sqlite3 connection. */
interface SqliteConnection {
  readonly name: string;
  readonly memory: boolean;
  readonly open: boolean;
  pragma(source: string, options?: { simple: boolean }): unknown;
}

/** A worker that has not stopped after this long (a checkpoint stuck on the disk) is ended. */
const STOP_TIMEOUT_MS = 5000;

const requireFromHere = createRequire(import.meta.url);

/**
 * SQLite in WAL mode copies the log back into the database file (a checkpoint, with an `fsync`)
 * on the commit that takes the log past 1,000 pages, so every few hundred writes one request
 * waits for the disk, and the whole event loop with it (8-21 ms each on a virtual disk, half the
 * time spent writing). With `sqliteCheckpoints: 'background'` (the default) a worker thread with
 * a connection of its own checkpoints instead, every {@link WAL_CHECKPOINT_INTERVAL_MS}, and the
 * main connection's automatic checkpoints are off (`wal_autocheckpoint = 0`). Durability is
 * SQLite's `synchronous = NORMAL` either way: a commit survives a crash of the process at once
 * and a power loss after the next checkpoint. Should the worker stop, the main connection
 * checkpoints inline again. Nothing happens on PostgreSQL, on `:memory:` or outside WAL mode.
 */
@Injectable()
export class SqliteCheckpointer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SqliteCheckpointer');
  private worker: Worker | undefined;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly dataSource: DataSource,
  ) {}

  /** Whether a worker checkpoints this data source now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  onModuleInit(): void {
    if (this.options.sqliteCheckpoints !== 'background') return;
    const db = walFileConnection(this.dataSource);
    if (db === undefined) return;
    let modulePath: string;
    try {
      modulePath = requireFromHere.resolve('better-sqlite3');
    } catch {
      this.logger.warn('better-sqlite3 not resolvable from the auth server: checkpoints inline');
      return;
    }
    const inline = db.pragma('wal_autocheckpoint', { simple: true });
    const worker = new Worker(WAL_CHECKPOINT_WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath, file: db.name, intervalMs: WAL_CHECKPOINT_INTERVAL_MS },
    });
    worker.unref();
    worker.on('error', (err: Error) =>
      this.logger.error(`WAL checkpoint worker failed: ${err.message}; checkpoints inline again`),
    );
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (db.open) db.pragma(`wal_autocheckpoint = ${Number(inline)}`);
    });
    db.pragma('wal_autocheckpoint = 0');
    this.worker = worker;
  }

  /**
   * Before the host closes the data source: the worker closes its connection, and the main
   * connection checkpoints inline again, so that its close (the last one) empties the log.
   */
  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    const stuck = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(stuck);
  }
}

/** The better-sqlite3 connection of a file database in WAL mode, if that is what this is. */
function walFileConnection(dataSource: DataSource): SqliteConnection | undefined {
  if (dataSource.options.type !== 'better-sqlite3') return undefined;
  const db = (dataSource.driver as unknown as { databaseConnection?: SqliteConnection })
    .databaseConnection;
  if (db === undefined || db.memory || !db.open) return undefined;
  return db.pragma('journal_mode', { simple: true }) === 'wal' ? db : undefined;
}
