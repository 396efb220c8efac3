// Benchmark of the SMART on openEHR authorization server (issue "Performance").
//
//   npm run bench            (= npm run build && node bench/run.mjs)
//
// Starts the servers itself (the product on SQLite, and on PostgreSQL when DATABASE_URL is set;
// the baselines), drives load from a separate process (autocannon), and writes
// bench/results/latest.json and bench/results/latest.md. Environment:
//   BENCH_DURATION=10      seconds per measured scenario (after BENCH_WARMUP=2 s of warm-up)
//   BENCH_CONNECTIONS=16   concurrent connections (BENCH_FLOW_CONNECTIONS=16 users for S3/S4)
//   BENCH_S3_LOGIN=1       also S3 with a login (password hash check) in every flow
//   BENCH_DB=sqlite|postgres   only that database (default: sqlite, + postgres with DATABASE_URL)
//   BENCH_ONLY=baselines,s7,product,scale,census,observability,scaleout   restrict the groups that run
//                          (observability: S1/S2 with metrics off vs on, BENCH_OBS_ROUNDS=2 pairs;
//                          census: storage round trips per operation, BENCH_CENSUS_N=20 of each;
//                          scaleout: 1 and 3 instances on PostgreSQL behind a round-robin proxy,
//                          mixed S1 + S4 + S5 for BENCH_SCALEOUT_DURATION=60 s; needs DATABASE_URL;
//                          not part of the default run)
//   BENCH_SCENARIOS=s1,s2,s3,s4,s5,s6   only these scenarios of the product group (S1 includes
//                          S1 at 70 %); e.g. BENCH_ONLY=product BENCH_SCENARIOS=s6 for S6 alone
//   BENCH_S7_MODES=library,libraryRevocation   only these S7 variants (library, libraryRevocation,
//                          libraryUncached, gateway, gatewayRevocation)
//   BENCH_SCALE=1          also scenario 8 (100,000 clients, 1,000,000 grants; ~2-4 min per database)
//   BENCH_SOAK=600         soak mode instead: S1 for that many seconds, RSS every 30 s
//                          (BENCH_SOAK_RATE req/s, default 70 % of a 5 s peak; BENCH_SOAK_DB)
//   BENCH_OUT=latest       base name of the result files in bench/results/
//   BENCH_S6_ROUNDS=3      S6: alternating floor/product rounds per document (of BENCH_DURATION /
//                          rounds seconds each; the round with the median CPU ratio is reported)
//   BENCH_LOG_LEVEL=warn   LOG_LEVEL of the product server
//   BENCH_KEEP_RATE_LIMITS=1   keep the product's default rate limits (by default the bench raises
//                          SMART_RATE_LIMIT_{TOKEN_PER_CLIENT,TOKEN_PER_IP,AUTHORIZE_PER_IP,
//                          LOGIN_PER_IP,INTROSPECTION_PER_IP} to 10,000,000 so runs do not hit 429)
//   BENCH_SERVER_NODE_OPTIONS  NODE_OPTIONS of the product server and the S7 apps
//                          (e.g. --max-semi-space-size=16)
//   BENCH_SERVER_ENV='{"MALLOC_MMAP_THRESHOLD_":"131072"}'  more environment for them (JSON)
//   BENCH_QUIET_WAIT=5     before each scenario, wait up to that many seconds for other work on
//                          the machine to stop (0 = do not wait)
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { randomBytes } from 'node:crypto';
import { makeClientKey } from './lib/assertions.mjs';
import { specBuilders } from './lib/specs.mjs';
import { probeAuthCodeFlow } from './lib/flows.mjs';
import { LoadProcess } from './lib/load.mjs';
import {
  adminToken,
  countRows,
  createStorage,
  introspectionFixture,
  SCOPE,
  seedScale,
  serverEnvOverrides,
  s7Fixture,
  setupProduct,
  startProduct,
  startScriptNodeArgs,
} from './lib/product.mjs';
import { runCensus } from './lib/census.mjs';
import { runObservability } from './lib/observability.mjs';
import { runScaleOut } from './lib/scale-out.mjs';
import { evaluateGoals, renderMarkdown, renderSoak } from './lib/report.mjs';
import { idleRss, RESULTS, ROOT, startServer } from './lib/servers.mjs';
import {
  cpuLists,
  envNumber,
  log,
  pinProcesses,
  round,
  RssSampler,
  sleep,
  waitForQuiet,
} from './lib/util.mjs';

const cfg = {
  duration: envNumber('BENCH_DURATION', 10),
  s6Rounds: envNumber('BENCH_S6_ROUNDS', 3),
  warmup: envNumber('BENCH_WARMUP', 2),
  connections: envNumber('BENCH_CONNECTIONS', 16),
  flowConnections: envNumber('BENCH_FLOW_CONNECTIONS', 16),
  scale: ['1', 'true'].includes(process.env.BENCH_SCALE ?? ''),
  scaleClients: envNumber('BENCH_SCALE_CLIENTS', 100_000),
  scaleGrants: envNumber('BENCH_SCALE_GRANTS', 1_000_000),
  soak: envNumber('BENCH_SOAK', 0),
  quietWait: envNumber('BENCH_QUIET_WAIT', 5),
  out: process.env.BENCH_OUT ?? 'latest',
  s3Login: ['1', 'true'].includes(process.env.BENCH_S3_LOGIN ?? ''),
  pgBase: process.env.DATABASE_URL,
  only: process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : undefined,
  scenarios: process.env.BENCH_SCENARIOS ? process.env.BENCH_SCENARIOS.split(',') : undefined,
  s7Modes: process.env.BENCH_S7_MODES ? process.env.BENCH_S7_MODES.split(',') : undefined,
  user: {
    username: process.env.BENCH_USER ?? 'clinician',
    password: process.env.BENCH_PASSWORD ?? 'clinician',
  },
};
const wants = (group) => !cfg.only || cfg.only.includes(group);
const runs = (scenario) => !cfg.scenarios || cfg.scenarios.includes(scenario);
const databases = (() => {
  const all = cfg.pgBase ? ['sqlite', 'postgres'] : ['sqlite'];
  const chosen = process.env.BENCH_DB;
  if (chosen === 'postgres' && !cfg.pgBase) throw new Error('BENCH_DB=postgres needs DATABASE_URL');
  return chosen ? all.filter((d) => d === chosen) : all;
})();

const key = makeClientKey('ES384', 'bench-es384');
const load = await new LoadProcess().start();

// ---------------------------------------------------------------------------------------------
// Load specs

const { base, assertionLoad, basicLoad, introspectLoad, getLoad } = specBuilders(cfg, key);

/** Runs a load spec against a server, sampling the server's RSS meanwhile. */
async function measure(server, spec, extra = {}) {
  const quiet = await waitForQuiet(25, cfg.quietWait);
  log(
    `  ${spec.name} …${quiet > 0 ? ` (waited ${quiet} s for a quiet machine)` : quiet < 0 ? ' (machine busy with other work)' : ''}`,
  );
  const sampler = new RssSampler(server.pid, 250).start();
  try {
    const r = await load.run({ ...spec, watchPid: server.pid });
    const rss = sampler.stop();
    const cpuUse = r.cpu ?? {};
    const status = r.errorRate > 0.01 ? 'failed' : 'ok';
    log(
      `  ${spec.name}: ${r.okRps} ok/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, errors ${r.errorCount}, RSS max ${rss.maxMiB} MiB, CPU server ${cpuUse.serverPct} % load ${cpuUse.loadPct} % db ${cpuUse.dbPct} % other ${cpuUse.otherPct} %${status === 'failed' ? ' FAILED' : ''}`,
    );
    return { ...r, ...extra, status, rssMiB: rss };
  } catch (err) {
    sampler.stop();
    log(`  ${spec.name}: FAILED ${err.message}`);
    return { name: spec.name, ...extra, status: 'failed', reason: err.message, okRps: 0 };
  }
}

const skipped = (reason, extra = {}) => ({ status: 'skipped', reason, ...extra });

// ---------------------------------------------------------------------------------------------
// Baselines and S7

/** The floor (a) server, and its S1 load; `extra` e.g. a fixed `overallRate`. */
const startFloor = () =>
  startServer({
    name: 'baseline-floor',
    script: join(ROOT, 'bench', 'servers', 'floor.mjs'),
    env: { BENCH_SERVER_CONFIG: JSON.stringify({ clientPublicJwk: key.publicJwk }) },
  });
function floorLoadOf(name, floor, extra) {
  // The floor does not check jti replay: a pool of 2,000 assertions is reused.
  const spec = assertionLoad(name, floor.url, ['floor-client'], extra);
  spec.assertions.reuse = true;
  return spec;
}

async function runBaselines(results) {
  log('baseline (a): floor');
  const floor = await startFloor();
  results.baselines.floor = await measure(floor, floorLoadOf('(a) floor', floor));
  await floor.stop();

  log('baseline (b): bare oidc-provider');
  const basicSecret = randomBytes(32).toString('base64url');
  const bare = await startServer({
    name: 'baseline-bare-oidc',
    script: join(ROOT, 'bench', 'servers', 'bare-oidc.mjs'),
    env: {
      BENCH_SERVER_CONFIG: JSON.stringify({
        clientPublicJwk: key.publicJwk,
        keyClientId: 'bench-key',
        basicClientId: 'bench-basic',
        basicSecret,
        scope: SCOPE,
      }),
    },
    readyPath: '/.well-known/openid-configuration',
  });
  results.baselines.bareOidcIdleRssMiB = await idleRss(bare, 500);
  results.baselines.bareOidcS1 = await measure(
    bare,
    assertionLoad('(b) bare oidc-provider S1', bare.url, ['bench-key']),
  );
  results.baselines.bareOidcS2 = await measure(
    bare,
    basicLoad('(b) bare oidc-provider S2', bare.url, 'bench-basic', basicSecret),
  );
  await bare.stop();
}

async function runS7(results) {
  const { serverConfig, path, headers } = await s7Fixture();
  const spec = (name, url) => getLoad(name, url, path, '"ehr_id"', headers);

  log('S7 baseline: bare jose verify loop');
  const bareVerify = await startServer({
    name: 's7-jose-verify',
    script: join(ROOT, 'bench', 'servers', 'jose-verify.mjs'),
    env: { BENCH_SERVER_CONFIG: JSON.stringify(serverConfig) },
  });
  results.baselines.joseVerify = await measure(
    bareVerify,
    spec('S7 baseline jose verify', bareVerify.url),
  );
  await bareVerify.stop();

  results.s7 = {};
  // libraryUncached: the library with verifiedTokenCacheSize 0 (this run sends one token).
  // …Revocation: the same with the reference platform's revocation check (issue 13, item 2).
  const modes = ['library', 'libraryRevocation', 'libraryUncached', 'gateway', 'gatewayRevocation'];
  for (const mode of modes.filter((m) => !cfg.s7Modes || cfg.s7Modes.includes(m))) {
    log(`S7 ${mode}`);
    let upstream;
    try {
      if (mode.startsWith('gateway')) {
        upstream = createServer((req, res) => {
          req.resume();
          const ehrId = (req.url ?? '').split('/')[2];
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              ehr_id: ehrId,
              archetype_node_id: 'openEHR-EHR-COMPOSITION.bench.v1',
            }),
          );
        });
        await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      }
      const server = await startServer({
        name: `s7-${mode}`,
        script: join(ROOT, 'bench', 'servers', 'rs-app.mjs'),
        env: {
          // The library under test gets the same overrides as the product server.
          ...serverEnvOverrides(),
          BENCH_SERVER_CONFIG: JSON.stringify({
            ...serverConfig,
            mode: mode.startsWith('gateway') ? 'gateway' : 'library',
            resourceServer: mode === 'libraryUncached' ? { verifiedTokenCacheSize: 0 } : {},
            revocation: mode.endsWith('Revocation'),
            upstreamUrl: upstream ? `http://127.0.0.1:${upstream.address().port}` : undefined,
          }),
        },
        readyPath: '/openehr/rest/v1/ehr/x/composition/y',
      });
      const probe = await globalThis.fetch(`${server.url}${path}`, { headers });
      const text = await probe.text();
      if (probe.status !== 200) {
        results.s7[mode] = skipped(
          `not available: probe GET → ${probe.status} ${text.slice(0, 160)}`,
        );
      } else {
        results.s7[mode] = await measure(server, spec(`S7 ${mode}`, server.url));
      }
      await server.stop();
    } catch (err) {
      results.s7[mode] = skipped(`not available: ${err.message.split('\n')[0]}`);
      log(`  S7 ${mode} skipped: ${results.s7[mode].reason}`);
    } finally {
      upstream?.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The product server

/** S3 and S4 (flows of signed-in users); skipped when the probe finds no login flow. */
async function runFlows(server, kind, s) {
  // S3/S4: only when the server has the login/consent flow (probe; see lib/flows.mjs).
  const probe = await probeAuthCodeFlow({
    base: server.url,
    adminToken: await adminToken(server.url, 'admin'),
    aud: `${server.url}/openehr/rest/v1`,
    user: cfg.user,
  });
  if (!probe.available) {
    s.s3 = skipped(`not available: ${probe.reason}`);
    s.s4 = skipped(`not available: needs scenario 3 (${probe.reason})`);
    log(`  S3/S4 skipped: ${probe.reason}`);
  } else {
    const flow = (kindOf, name, extra = {}) =>
      base(name, server.url, {
        connections: cfg.flowConnections,
        flow: { kind: kindOf, cfg: probe.cfg, ...extra },
      });
    const timing = `one flow with login ${probe.timing?.loginFlowMs} ms, with a session ${probe.timing?.sessionFlowMs} ms`;
    if (runs('s3')) {
      s.s3 = await measure(server, flow('authcode', `S3 ${kind}`), {
        title: 'authorization code + PKCE',
        note: timing,
      });
      if (cfg.s3Login) {
        s.s3login = await measure(
          server,
          flow('authcode', `S3 with login ${kind}`, { withLogin: true }),
          { title: 'authorization code + PKCE, login in every flow' },
        );
      }
    }
    if (runs('s4')) {
      s.s4 = probe.refresh
        ? await measure(server, flow('refresh', `S4 ${kind}`), { title: 'refresh with rotation' })
        : skipped(`not available: ${probe.reason}`);
    }
  }
}

/** The three documents of S6: result key, name, path, body marker. */
const S6_DOCUMENTS = [
  ['s6smart', 'smart-configuration', '/.well-known/smart-configuration', '"token_endpoint"'],
  ['s6oidc', 'openid-configuration', '/.well-known/openid-configuration', '"token_endpoint"'],
  ['s6jwks', 'jwks', '/auth/jwks', '"keys"'],
];

/** Response headers the floor does not replay: per connection or per response. */
const UNREPLAYED = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** The product's answer to GET `path`: status, headers and body, for the floor to replay. */
async function captureDocument(url, path) {
  const res = await globalThis.fetch(`${url}${path}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status}`);
  const headers = Object.fromEntries([...res.headers].filter(([k]) => !UNREPLAYED.has(k)));
  return { path, status: res.status, headers, body: body.toString('base64') };
}

/**
 * S6: each document right after the floor, a bare node:http server answering the same bytes with
 * the same headers (bench/servers/documents-floor.mjs), measured with the same load.
 */
async function runS6(server, kind, s) {
  const documents = [];
  for (const [, , path] of S6_DOCUMENTS) documents.push(await captureDocument(server.url, path));
  const floor = await startServer({
    name: 's6-floor',
    script: join(ROOT, 'bench', 'servers', 'documents-floor.mjs'),
    env: { BENCH_SERVER_CONFIG: JSON.stringify({ documents }) },
    readyPath: S6_DOCUMENTS[0][2],
  });
  // At ~30 µs per request, sharing a core with the load generator moves the figures more than
  // the servers differ: both servers get the last core, the load the others (as measured
  // alternately before, so both see the same).
  const cpus = cpuLists();
  const pinned =
    cpus.rest !== undefined &&
    pinProcesses([server.pid, floor.pid], cpus.last) &&
    pinProcesses([load.pid], cpus.rest);
  const placement = pinned ? `servers on CPU ${cpus.last}, load on CPUs ${cpus.rest}` : undefined;
  try {
    // Floor and product alternately, in short rounds; the round with the median CPU ratio is
    // reported, so a change of machine speed between two long runs does not decide the ratio.
    const duration = Math.max(2, Math.round(cfg.duration / cfg.s6Rounds));
    const roundLoad = (label, url, path, marker) => ({
      ...getLoad(label, url, path, marker),
      duration,
    });
    const cpuRatio = ({ floorRun, run }) =>
      (floorRun.cpu?.serverUsPerReq ?? 0) / (run.cpu?.serverUsPerReq ?? Infinity);
    for (const [id, name, path, marker] of S6_DOCUMENTS) {
      const pairs = [];
      for (let round = 1; round <= cfg.s6Rounds; round += 1) {
        const tag = `S6 ${name} round ${round}`;
        const floorRun = await measure(floor, roundLoad(`${tag} floor`, floor.url, path, marker));
        const run = await measure(server, roundLoad(`${tag} ${kind}`, server.url, path, marker));
        pairs.push({ floorRun, run });
      }
      pairs.sort((a, b) => cpuRatio(a) - cpuRatio(b));
      const median = pairs[Math.floor(pairs.length / 2)];
      s[id] = {
        ...median.run,
        title: `GET ${path}`,
        floor: median.floorRun,
        placement,
        rounds: pairs.length,
      };
    }
  } finally {
    if (pinned) pinProcesses([server.pid, load.pid], cpus.all);
    await floor.stop();
  }
}

async function runProduct(kind) {
  const out = { scenarios: {} };
  const storage = await createStorage(kind, cfg.pgBase);
  try {
    log(`product on ${kind}: starting`);
    const server = await startProduct(storage);
    out.startupMs = server.startupMs;
    out.rssIdleMiB = await idleRss(server);
    log(`  started in ${server.startupMs} ms, idle RSS ${out.rssIdleMiB} MiB`);
    const setup = await setupProduct(server, storage, key);
    out.registeredVia = setup.registeredVia;
    const s = out.scenarios;

    if (runs('s1')) {
      s.s1 = await measure(server, assertionLoad(`S1 ${kind}`, server.url, [setup.keyClientId]), {
        title: 'client_credentials + private_key_jwt',
      });
      const target = Math.max(1, Math.round((s.s1.okRps || 0) * 0.7));
      s.s1at70 = await measure(
        server,
        assertionLoad(`S1@70% ${kind}`, server.url, [setup.keyClientId], { overallRate: target }),
        { title: 'S1 at 70 % of peak', targetRate: target },
      );
      // Tail latency: the floor under the same offered rate, right after (goal: S1 p99 ≤ 2×).
      const floor = await startFloor();
      try {
        s.floorAtS1Rate = await measure(
          floor,
          floorLoadOf(`(a) floor at ${target}/s`, floor, { overallRate: target }),
          { title: 'floor (a) at the rate of S1 at 70 %', targetRate: target },
        );
      } finally {
        await floor.stop();
      }
    }
    if (runs('s2')) {
      s.s2 = await measure(
        server,
        basicLoad(`S2 ${kind}`, server.url, setup.basicClientId, setup.basicSecret),
        { title: 'client_credentials + client_secret_basic' },
      );
    }
    if (runs('s3') || runs('s4')) await runFlows(server, kind, s);
    if (runs('s5')) {
      const fixture = await introspectionFixture(server, key, setup.keyClientId);
      s.s5 = await measure(
        server,
        introspectLoad(`S5 ${kind}`, server.url, fixture.token, fixture.bearer),
        { title: 'introspection' },
      );
    }
    if (runs('s6')) await runS6(server, kind, s);
    const { peakRssMiB } = await server.stop();
    out.rssPeakMiB = peakRssMiB;
    log(`  product on ${kind}: peak RSS ${peakRssMiB} MiB`);
  } finally {
    await storage.dispose();
  }
  return out;
}

/** Scenario 8: S1 against a database holding 100,000 clients and 1,000,000 grants. */
async function runScale(kind) {
  const out = {};
  const storage = await createStorage(kind, cfg.pgBase);
  try {
    log(`scale on ${kind}: schema`);
    const init = await startProduct(storage, { name: `product-${kind}-scale-init` });
    await init.stop();
    out.seedSeconds = await seedScale(storage, {
      clients: cfg.scaleClients,
      grants: cfg.scaleGrants,
      publicJwk: key.publicJwk,
      issuer: 'http://127.0.0.1',
    });
    const server = await startProduct(storage, { name: `product-${kind}-scale` });
    out.rssIdleMiB = await idleRss(server);
    const setup = await setupProduct(server, storage, key);
    out.rows = await countRows(storage);
    out.s8 = await measure(server, assertionLoad(`S8 ${kind}`, server.url, [setup.keyClientId]), {
      title: 'S1 at scale',
    });
    // Every request from another registered client: client cache misses, registry lookups.
    const ids = Array.from({ length: cfg.scaleClients }, (_, i) => `scale-client-${i}`);
    for (let i = ids.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    out.s8spread = await measure(server, assertionLoad(`S8b ${kind}`, server.url, ids), {
      title: 'S1 at scale, spread over the clients',
    });
    const { peakRssMiB } = await server.stop();
    out.rssPeakMiB = peakRssMiB;
  } finally {
    await storage.dispose();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Soak

async function runSoak() {
  const kind = process.env.BENCH_SOAK_DB ?? databases[0];
  const storage = await createStorage(kind, cfg.pgBase);
  const soak = { db: kind, seconds: cfg.soak, rss: [] };
  try {
    const server = await startProduct(storage, { name: `product-${kind}-soak` });
    const setup = await setupProduct(server, storage, key);
    let rate = envNumber('BENCH_SOAK_RATE', 0);
    if (!rate) {
      const peak = await load.run(
        assertionLoad('soak peak', server.url, [setup.keyClientId], { duration: 5 }),
      );
      rate = Math.max(1, Math.round(peak.okRps * 0.7));
    }
    soak.rate = rate;
    const t0 = performance.now();
    const sample = () => {
      const r = new RssSampler(server.pid).sample();
      soak.rss.push({ t: Math.round((performance.now() - t0) / 1000), rssMiB: round(r, 1) });
      log(`  soak t=${soak.rss.at(-1).t}s RSS ${soak.rss.at(-1).rssMiB} MiB`);
    };
    sample();
    const timer = setInterval(sample, 30_000);
    soak.result = await load.run(
      assertionLoad(`soak ${kind}`, server.url, [setup.keyClientId], {
        duration: cfg.soak,
        warmup: 0,
        overallRate: rate,
        reportTicks: true,
        streaming: true,
        watchPid: server.pid,
      }),
    );
    // Completed requests per 30 s window (from autocannon's per-second ticks).
    const ticks = soak.result.ticks ?? [];
    soak.perWindow = [];
    for (let i = 0; i + 10 <= ticks.length; i += 30) {
      const w = ticks.slice(i, Math.min(i + 30, ticks.length - 1));
      soak.perWindow.push({
        fromS: i,
        rps: round(w.reduce((a, b) => a + b, 0) / w.length, 0),
        minRps: Math.min(...w),
      });
    }
    delete soak.result.ticks;
    clearInterval(timer);
    sample();
    const late = soak.rss.filter((p) => p.t >= 60);
    if (late.length >= 2) {
      const n = late.length;
      const mt = late.reduce((a, p) => a + p.t, 0) / n;
      const mr = late.reduce((a, p) => a + p.rssMiB, 0) / n;
      const cov = late.reduce((a, p) => a + (p.t - mt) * (p.rssMiB - mr), 0);
      const varT = late.reduce((a, p) => a + (p.t - mt) ** 2, 0);
      soak.slopeMiBPerMin = round((cov / varT) * 60, 3);
    }
    await server.stop();
  } finally {
    await storage.dispose();
  }
  return soak;
}

// ---------------------------------------------------------------------------------------------

/** The product version measured: commit and whether product files had local changes. */
function productVersion() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'libs').split('\n').filter(Boolean);
    return `${git('rev-parse', '--short', 'HEAD')}${dirty.length ? ` + ${dirty.length} uncommitted product files` : ''}`;
  } catch {
    return 'unknown';
  }
}

function machine() {
  const mem = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memGiB: round((mem || totalmem() / 1024) / 1024 / 1024, 1),
    os: `${type()} ${release()}`,
  };
}

async function main() {
  mkdirSync(RESULTS, { recursive: true });
  const t0 = performance.now();
  const autocannonVersion = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8'),
  ).version;
  const meta = {
    startedAt: new Date().toISOString(),
    node: process.version,
    machine: machine(),
    product: productVersion(),
    command: process.env.npm_lifecycle_event
      ? `npm run ${process.env.npm_lifecycle_event}`
      : 'node bench/run.mjs',
    duration: cfg.duration,
    warmup: cfg.warmup,
    connections: cfg.connections,
    flowConnections: cfg.flowConnections,
    autocannon: autocannonVersion,
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
    rateLimits: process.env.BENCH_KEEP_RATE_LIMITS
      ? 'product defaults'
      : 'raised to 10,000,000 per window',
    serverNodeArgs: startScriptNodeArgs().join(' '),
    serverNodeOptions: process.env.BENCH_SERVER_NODE_OPTIONS ?? '',
    serverEnv: process.env.BENCH_SERVER_ENV ?? '',
    databases,
    scale: cfg.scale,
  };
  if (cfg.soak) {
    const soak = await runSoak();
    soak.meta = meta;
    writeFileSync(join(RESULTS, `${cfg.out}-soak.json`), `${JSON.stringify(soak, null, 2)}\n`);
    writeFileSync(join(RESULTS, `${cfg.out}-soak.md`), `${renderSoak(soak)}\n`);
    log(`wrote ${join(RESULTS, `${cfg.out}-soak.md`)}`);
    return;
  }
  const results = { meta, baselines: {}, databases: {} };
  if (wants('baselines')) await runBaselines(results);
  if (wants('s7')) await runS7(results);
  for (const kind of databases) {
    const r = wants('product') ? await runProduct(kind) : { scenarios: {} };
    if (cfg.scale && wants('scale')) r.scale = await runScale(kind);
    if (wants('census')) {
      r.census = await runCensus({ kind, cfg, key, n: envNumber('BENCH_CENSUS_N', 20) });
    }
    if (wants('observability')) {
      r.observability = await runObservability({
        kind,
        cfg,
        key,
        measure,
        assertionLoad,
        basicLoad,
        rounds: envNumber('BENCH_OBS_ROUNDS', 2),
      });
    }
    results.databases[kind] = r;
  }
  if (cfg.only?.includes('scaleout')) {
    results.scaleOut = await runScaleOut({
      cfg,
      key,
      specs: specBuilders(cfg, key),
      duration: envNumber('BENCH_SCALEOUT_DURATION', 60),
    });
  }
  meta.totalSeconds = round((performance.now() - t0) / 1000, 0);
  results.goals = evaluateGoals(results);
  writeFileSync(join(RESULTS, `${cfg.out}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const md = renderMarkdown(results);
  writeFileSync(join(RESULTS, `${cfg.out}.md`), `${md}\n`);
  process.stdout.write(`${md}\n`);
  log(`wrote ${join(RESULTS, cfg.out)}.json and .md in ${meta.totalSeconds} s`);
}

try {
  await main();
} finally {
  load.close();
}
await sleep(100);
process.exit(0);
