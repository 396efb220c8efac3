// Starting and stopping the servers under test as child processes (the product server
// dist/src/main.js, the baselines in bench/servers/), optionally under the CPU profiler.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { freePort, RssSampler, sleep, waitForHttp } from './util.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS = join(ROOT, 'bench', 'results');
const PROFILED = join(ROOT, 'bench', 'lib', 'profiled.mjs');

/** The runner's environment without what would point a server at the wrong database. */
function inheritedEnv() {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * Spawns `node <script>` on a free port and waits until `readyPath` answers. With `profile: true`
 * the script runs under bench/lib/profiled.mjs and the result has `profiler.start()/stop(file)`.
 */
export async function startServer({
  name,
  script,
  env = {},
  readyPath = '/',
  profile,
  nodeArgs = [],
  port: fixedPort,
}) {
  const port = fixedPort ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(join(RESULTS, 'logs'), { recursive: true });
  const logFile = join(RESULTS, 'logs', `${name}.log`);
  const logStream = createWriteStream(logFile);
  const args = profile ? [...nodeArgs, PROFILED, script] : [...nodeArgs, script];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...inheritedEnv(),
      NODE_ENV: 'production',
      ...(typeof env === 'function' ? env(port) : env),
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe', ...(profile ? ['ipc'] : [])],
  });
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  const t0 = Date.now();
  try {
    await waitForHttp(`${url}${readyPath}`, 90_000, () => !exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start (see ${logFile}): ${err.message}`, { cause: err });
  }
  const startupMs = Date.now() - t0;
  const lifetime = new RssSampler(child.pid, 500).start();

  const ask = (message, answer) =>
    new Promise((resolve, reject) => {
      const onMessage = (msg) => {
        if (msg?.type !== answer) return;
        child.off('message', onMessage);
        if (msg.error) reject(new Error(msg.error));
        else resolve(msg);
      };
      child.on('message', onMessage);
      child.send(message);
    });
  /** Under `profile`: start / stop-and-write the CPU profile around a load phase. */
  const profiler = profile
    ? {
        start: () => ask({ type: 'profile-start' }, 'profile-started'),
        stop: (file) => ask({ type: 'profile-stop', file }, 'profile-written'),
        heapStats: () => ask({ type: 'heap-stats' }, 'heap-stats'),
        /** Full GC; needs --expose-gc in NODE_OPTIONS. */
        gc: () => ask({ type: 'gc' }, 'gc-done'),
      }
    : undefined;

  const stop = async () => {
    const rss = lifetime.stop();
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    logStream.end();
    return { peakRssMiB: rss.maxMiB };
  };
  return {
    name,
    url,
    port,
    pid: child.pid,
    startupMs,
    logFile,
    stop,
    profiler,
    alive: () => !exited,
  };
}

/** RSS of a freshly started, idle server: the value after a short settle time. */
export async function idleRss(server, settleMs = 2000) {
  await sleep(settleMs);
  const sampler = new RssSampler(server.pid, 100).start();
  await sleep(500);
  return sampler.stop().meanMiB;
}
