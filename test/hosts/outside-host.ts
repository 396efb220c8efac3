import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The repository root (this file is test/hosts/outside-host.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** The fixture hosts, each a folder of test/hosts/. */
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'hosts');

/** Installed hosts are kept here, by a hash of their package.json and the tarballs. */
const CACHE_DIR = join(REPO_ROOT, '.cache', 'hosts');

/** The three packages, in dependency order. */
export const PACKAGE_NAMES = [
  '@smart-openehr/scopes',
  '@smart-openehr/resource-server',
  '@smart-openehr/auth-server',
] as const;

/** A packed package: its name and the tarball's path. */
export interface Tarball {
  name: string;
  file: string;
}

interface CommandResult {
  code: number;
  output: string;
}

/**
 * The environment of a child process: without the variables `npm test` and jest set (npm's
 * `npm_*` settings would point the nested npm at this repo, and jest's NODE_OPTIONS would turn on
 * the VM-modules flag in the host). Native addons build against the running node's headers.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'NODE_OPTIONS' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  const nodeRoot = dirname(dirname(realpathSync(process.execPath)));
  if (existsSync(join(nodeRoot, 'include', 'node', 'node.h'))) env.npm_config_nodedir = nodeRoot;
  env.PATH = `${dirname(process.execPath)}:${env.PATH ?? ''}`;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs a command to its end; never rejects (the caller asserts on the code and output). */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? childEnv(),
        timeout: options.timeoutMs ?? 10 * 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** Runs a command and throws its output when it fails. */
async function runOrThrow(
  what: string,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.output}`);
  return result.output;
}

/** Builds the repository and packs the three packages into `destination`. */
export async function packPackages(destination: string): Promise<Tarball[]> {
  await runOrThrow('npm run build', 'npm', ['run', 'build'], { cwd: REPO_ROOT });
  const out = await runOrThrow(
    'npm pack',
    'npm',
    [
      'pack',
      ...PACKAGE_NAMES.flatMap((name) => ['-w', name]),
      '--pack-destination',
      destination,
      '--json',
      '--ignore-scripts', // built just above; a prepack script's output would break the JSON
    ],
    { cwd: REPO_ROOT },
  );
  const packed = JSON.parse(out.slice(out.indexOf('['))) as { name: string; filename: string }[];
  return packed.map((p) => ({ name: p.name, file: join(destination, p.filename) }));
}

/** A fixture host copied to a temporary folder, with its dependencies installed. */
export interface PreparedHost {
  dir: string;
  /** Whether node_modules came from the cache. */
  cached: boolean;
  dispose: () => void;
}

/**
 * Copies a fixture host to a fresh folder under the OS temp dir (outside this repo, so neither
 * Node nor TypeScript can climb to the repo's node_modules), adds the tarballs as `file:`
 * dependencies and installs: from the registry on a cache miss (then stored under
 * .cache/hosts/), or by copying a cached node_modules from an earlier run with the same
 * package.json, tarballs and Node ABI.
 */
export async function prepareHost(fixture: string, tarballs: Tarball[]): Promise<PreparedHost> {
  const source = join(FIXTURES_DIR, fixture);
  const dir = mkdtempSync(join(tmpdir(), `smart-host-${fixture}-`));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (!relative(REPO_ROOT, dir).startsWith('..')) {
      throw new Error(`temp dir ${dir} is inside the repository`);
    }
    cpSync(join(source, 'src'), join(dir, 'src'), { recursive: true });
    cpSync(join(source, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    mkdirSync(join(dir, 'packages'));
    const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const hash = createHash('sha256');
    hash.update(`${process.versions.modules}\n`);
    hash.update(readFileSync(join(source, 'package.json')));
    for (const t of tarballs) {
      const name = t.file.slice(t.file.lastIndexOf(sep) + 1);
      cpSync(t.file, join(dir, 'packages', name));
      manifest.dependencies[t.name] = `file:packages/${name}`;
      hash.update(`${t.name}\n`).update(readFileSync(t.file));
    }
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const cache = join(CACHE_DIR, `${fixture}-${hash.digest('hex').slice(0, 16)}`);
    if (existsSync(join(cache, 'node_modules'))) {
      cpSync(join(cache, 'node_modules'), join(dir, 'node_modules'), {
        recursive: true,
        verbatimSymlinks: true,
      });
      cpSync(join(cache, 'package-lock.json'), join(dir, 'package-lock.json'));
      return { dir, cached: true, dispose };
    }
    await runOrThrow('npm install', 'npm', ['install', '--no-audit', '--no-fund'], {
      cwd: dir,
      timeoutMs: 20 * 60_000,
    });
    const staging = `${cache}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    cpSync(join(dir, 'node_modules'), join(staging, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    cpSync(join(dir, 'package-lock.json'), join(staging, 'package-lock.json'));
    for (const stale of readdirSync(CACHE_DIR).filter((f) => f.startsWith(`${fixture}-`))) {
      if (join(CACHE_DIR, stale) !== staging) {
        rmSync(join(CACHE_DIR, stale), { recursive: true, force: true });
      }
    }
    try {
      renameSync(staging, cache);
    } catch {
      // Another run stored the same install first.
      rmSync(staging, { recursive: true, force: true });
    }
    return { dir, cached: false, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** Type-checks and compiles the host with its own TypeScript. */
export function compileHost(dir: string): Promise<CommandResult> {
  return run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], {
    cwd: dir,
  });
}

/** A running host process. */
export interface RunningHost {
  url: string;
  issuer: string;
  /** Everything the host wrote so far (for failure messages). */
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `node dist/main.js` and waits for its ready line. */
export function startHost(
  dir: string,
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<RunningHost> {
  const child: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolveReady, rejectReady) => {
    const timer = setTimeout(() => {
      void stop().then(() => rejectReady(new Error(`host not ready in time:\n${output}`)));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^HOST READY (\{.*\})$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        const ready = JSON.parse(match[1]) as { url: string; issuer: string };
        resolveReady({ ...ready, output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectReady(new Error(`host exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Where a module resolves from inside `dir`, as the host's Node sees it. */
export async function resolveFrom(dir: string, specifier: string): Promise<string> {
  return (
    await runOrThrow(
      'resolve',
      process.execPath,
      ['-p', `require.resolve(${JSON.stringify(specifier)})`],
      { cwd: dir },
    )
  ).trim();
}
