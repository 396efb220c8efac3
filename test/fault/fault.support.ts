import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET } from '../support/app.harness.js';

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/** Newest modification time of the TypeScript sources the build compiles. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !/\.(e2e-)?spec\.ts$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

const mtime = (path: string) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * Builds `dist/` (`tsc -p tsconfig.build.json`, ~10 s) when `dist/src/main.js` is missing or
 * older than a source. tsc emits even with type errors elsewhere; the build counts when main.js
 * is fresh afterwards.
 */
export async function ensureBuilt(): Promise<void> {
  const sources = Math.max(
    newestSource(join(ROOT, 'src')),
    ...['auth-server', 'resource-server', 'smart-scopes'].map((lib) =>
      newestSource(join(ROOT, 'libs', lib, 'src')),
    ),
  );
  if (mtime(MAIN) >= sources) return;
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(
    () => undefined,
  );
  if (mtime(MAIN) < sources) throw new Error('npm run build did not produce dist/src/main.js');
}

/** A server instance in its own process (`node dist/src/main.js`). */
export interface ChildInstance {
  url: string;
  port: number;
  process: ChildProcess;
  /** What the instance wrote to stderr (for failure messages). */
  stderr(): string;
  /** SIGKILL: no shutdown hooks, connections cut. */
  kill(): Promise<void>;
}

/**
 * Starts `node dist/src/main.js` on `port` and waits until `/health/ready` answers 200.
 * `nodeArgs` go before the script (e.g. `--import` of an OpenTelemetry SDK); `onStdout` receives
 * what the instance logs (otherwise discarded).
 */
export async function startChild(
  port: number,
  env: Record<string, string>,
  options: { nodeArgs?: string[]; onStdout?: (text: string) => void } = {},
): Promise<ChildInstance> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN], {
    cwd: ROOT,
    env: {
      PORT: String(port),
      LOG_LEVEL: 'error',
      SMART_ADMIN_CLIENT_ID: ADMIN_CLIENT_ID,
      SMART_ADMIN_CLIENT_SECRET: ADMIN_CLIENT_SECRET,
      ...env,
    },
    stdio: ['ignore', options.onStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  if (options.onStdout)
    child.stdout?.on('data', (chunk: Buffer) => options.onStdout!(chunk.toString()));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance exited: ${stderr}`);
    const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`instance on ${port} not ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    process: child,
    stderr: () => stderr,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
