// CPU profiles of the product server under load, one server run per scenario, so each profile
// shows one request type. The profiler (node:inspector, 200 µs sampling) runs only during the
// measured phase, after a warm-up.
//
//   npm run build && node bench/profile.mjs [s1] [s2] [s3] [s4] [s5] [s6] [s7] [bare-s1] [bare-s2]
//   (default: s1-s7; s6: the three documents, one run each; s6smart, s6oidc or s6jwks for one;
//   bare-s1 / bare-s2: the bare oidc-provider baseline (b) under the same loads, to compare the
//   layers: each summary has a "by layer" table)
//
// Environment: BENCH_DB=sqlite|postgres (default sqlite; postgres needs DATABASE_URL),
// BENCH_SERVER_NODE_OPTIONS / BENCH_SERVER_ENV (as for run.mjs),
// BENCH_DURATION=10, BENCH_WARMUP=3, BENCH_CONNECTIONS=16.
// Writes bench/results/profile-<scenario>-<db>.cpuprofile (open in Chrome DevTools → Performance)
// and bench/results/profile-<db>.md with the summaries.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeClientKey } from './lib/assertions.mjs';
import { renderSummary, summarise } from './lib/cpuprofile.mjs';
import { probeAuthCodeFlow } from './lib/flows.mjs';
import { LoadProcess } from './lib/load.mjs';
import {
  adminToken,
  createStorage,
  introspectionFixture,
  s7Fixture,
  SCOPE,
  serverEnvOverrides,
  setupProduct,
  startProduct,
} from './lib/product.mjs';
import { RESULTS, ROOT, startServer } from './lib/servers.mjs';
import { specBuilders } from './lib/specs.mjs';
import { envNumber, log } from './lib/util.mjs';

const cfg = {
  duration: envNumber('BENCH_DURATION', 10),
  warmup: envNumber('BENCH_WARMUP', 3),
  connections: envNumber('BENCH_CONNECTIONS', 16),
};
const db = process.env.BENCH_DB ?? 'sqlite';
if (db === 'postgres' && !process.env.DATABASE_URL) throw new Error('postgres needs DATABASE_URL');
const wanted = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['s1', 's2', 's3', 's4', 's5', 's6', 's7'];
const key = makeClientKey('ES384', 'bench-es384');
const specs = specBuilders(cfg, key);
const load = await new LoadProcess().start();
mkdirSync(RESULTS, { recursive: true });

/** Warm-up without the profiler, then the measured phase with it. */
async function profiled(server, spec, file) {
  const warm = await load.run({ ...spec, duration: cfg.warmup, warmup: 0 });
  const hint = spec.assertions ? { assertions: { ...spec.assertions, rateHint: warm.okRps } } : {};
  await server.profiler.start();
  const result = await load.run({ ...spec, ...hint, warmup: 0 });
  await server.profiler.stop(file);
  const summary = summarise(JSON.parse(readFileSync(file, 'utf8')));
  return { result, summary };
}

async function productScenario(name, title, build) {
  const storage = await createStorage(db, process.env.DATABASE_URL);
  try {
    const server = await startProduct(storage, { name: `profile-${name}-${db}`, profile: true });
    const setup = await setupProduct(server, storage, key);
    const spec = await build(server, setup);
    const file = join(RESULTS, `profile-${name}-${db}.cpuprofile`);
    const { result, summary } = await profiled(server, spec, file);
    await server.stop();
    log(`${name}: ${result.okRps} ok/s under the profiler, ${result.errorCount} errors`);
    return renderSummary(
      `${title} (${db}): ${result.okRps} req/s under the profiler`,
      summary,
      result.ok,
    );
  } finally {
    await storage.dispose();
  }
}

/** The bare oidc-provider (baseline b) under S1's or S2's load. */
async function bareScenario(name, title, build) {
  const basicSecret = randomBytes(32).toString('base64url');
  const server = await startServer({
    name: `profile-${name}`,
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
    profile: true,
  });
  const file = join(RESULTS, `profile-${name}.cpuprofile`);
  const { result, summary } = await profiled(server, build(server, basicSecret), file);
  await server.stop();
  log(`${name}: ${result.okRps} ok/s under the profiler`);
  return renderSummary(`${title}: ${result.okRps} req/s under the profiler`, summary, result.ok);
}

async function s7Scenario() {
  const { serverConfig, path, headers } = await s7Fixture();
  const server = await startServer({
    name: 'profile-s7-library',
    script: join(ROOT, 'bench', 'servers', 'rs-app.mjs'),
    env: {
      ...serverEnvOverrides(),
      BENCH_SERVER_CONFIG: JSON.stringify({ ...serverConfig, mode: 'library' }),
    },
    readyPath: '/openehr/rest/v1/ehr/x/composition/y',
    profile: true,
  });
  const spec = specs.getLoad('S7 library', server.url, path, '"ehr_id"', headers);
  const file = join(RESULTS, 'profile-s7-library.cpuprofile');
  const { result, summary } = await profiled(server, spec, file);
  await server.stop();
  log(`s7: ${result.okRps} ok/s under the profiler`);
  return renderSummary(
    `S7 Nest app + SmartResourceServerModule: ${result.okRps} req/s under the profiler`,
    summary,
    result.ok,
  );
}

const sections = [];
try {
  if (wanted.includes('s1')) {
    sections.push(
      await productScenario('s1', 'S1 client_credentials + private_key_jwt', (server, setup) =>
        specs.assertionLoad('S1', server.url, [setup.keyClientId]),
      ),
    );
  }
  if (wanted.includes('s2')) {
    sections.push(
      await productScenario('s2', 'S2 client_credentials + client_secret_basic', (server, setup) =>
        specs.basicLoad('S2', server.url, setup.basicClientId, setup.basicSecret),
      ),
    );
  }
  if (wanted.includes('s5')) {
    sections.push(
      await productScenario('s5', 'S5 introspection (Bearer introspect)', async (server, setup) => {
        const f = await introspectionFixture(server, key, setup.keyClientId);
        return specs.introspectLoad('S5', server.url, f.token, f.bearer);
      }),
    );
  }
  for (const [name, kind, title] of [
    ['s3', 'authcode', 'S3 authorization code + PKCE (signed-in users)'],
    ['s4', 'refresh', 'S4 refresh with rotation'],
  ]) {
    if (!wanted.includes(name)) continue;
    sections.push(
      await productScenario(name, title, async (server) => {
        const probe = await probeAuthCodeFlow({
          base: server.url,
          adminToken: await adminToken(server.url, 'admin'),
          aud: `${server.url}/openehr/rest/v1`,
          user: { username: 'clinician', password: 'clinician' },
        });
        if (!probe.available) throw new Error(`${name} not available: ${probe.reason}`);
        return specs.base(name, server.url, { flow: { kind, cfg: probe.cfg } });
      }),
    );
  }
  for (const [name, path, marker] of [
    ['s6smart', '/.well-known/smart-configuration', '"token_endpoint"'],
    ['s6oidc', '/.well-known/openid-configuration', '"token_endpoint"'],
    ['s6jwks', '/auth/jwks', '"keys"'],
  ]) {
    if (!wanted.includes('s6') && !wanted.includes(name)) continue;
    sections.push(
      await productScenario(name, `S6 GET ${path}`, (server) =>
        specs.getLoad(name, server.url, path, marker),
      ),
    );
  }
  if (wanted.includes('s7')) sections.push(await s7Scenario());
  if (wanted.includes('bare-s1')) {
    sections.push(
      await bareScenario('bare-s1', '(b) bare oidc-provider, S1 load', (server) =>
        specs.assertionLoad('bare S1', server.url, ['bench-key']),
      ),
    );
  }
  if (wanted.includes('bare-s2')) {
    sections.push(
      await bareScenario('bare-s2', '(b) bare oidc-provider, S2 load', (server, secret) =>
        specs.basicLoad('bare S2', server.url, 'bench-basic', secret),
      ),
    );
  }
} finally {
  load.close();
}
const out = join(RESULTS, `profile-${db}.md`);
writeFileSync(
  out,
  `# CPU profiles (${db}, ${new Date().toISOString()})\n\n${sections.join('\n')}\n`,
);
log(`wrote ${out}`);
process.exit(0);
