import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

/** runuser lives in sbin, which a minimal PATH may lack. */
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p)) ?? 'runuser';

const run = promisify(execFile);

/** Where the PostgreSQL server binaries live (Debian layout by default). */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server private to one test file, so the test may stop and restart it without
 * touching the shared one. PostgreSQL refuses to run as root: as root the binaries run as the
 * `postgres` user.
 */
export interface OwnPostgres {
  port: number;
  /** Connection URL of the `postgres` database, trust authentication. */
  url: string;
  /** Stops the server abruptly (`-m immediate`), as a crash or a network cut would look. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it if running and deletes its directory; safe to call more than once. */
  cleanup(): Promise<void>;
}

async function pg(binary: string, args: string[]): Promise<void> {
  const command = join(PG_BIN, binary);
  const asRoot = userInfo().uid === 0;
  const [file, argv] = asRoot
    ? [RUNUSER, ['-u', 'postgres', '--', command, ...args]]
    : [command, args];
  try {
    await run(file, argv, { timeout: 60_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${e.message}\n${e.stdout}\n${e.stderr}`, {
      cause: err,
    });
  }
}

/** initdb + start in a fresh temp directory on a free port. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'smart-own-pg-'));
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  let running = false;
  let removed = false;

  const start = async () => {
    const options = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off`;
    await pg('pg_ctl', [
      '-D',
      data,
      '-o',
      options,
      '-l',
      join(dir, 'log'),
      '-w',
      '-t',
      '30',
      'start',
    ]);
    running = true;
  };
  const stop = async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    running = false;
  };
  const cleanup = async () => {
    try {
      if (running && !removed) await stop();
    } finally {
      if (!removed) rmSync(dir, { recursive: true, force: true });
      removed = true;
    }
  };

  try {
    await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await start();
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { port, url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, start, cleanup };
}
