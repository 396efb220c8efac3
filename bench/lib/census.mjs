// Storage round trips and row writes per operation (issue "Performance round 3", goals 2 and 5):
// one product server with metrics on runs each operation N times in a row; the difference of
// `smart_auth_storage_query_duration_seconds_count` (every query on the data source, by SQL
// operation) before and after, less what the server does on its own while idle (revocation-list
// polls, change notices) over the same time, divided by N.
import { performance } from 'node:perf_hooks';
import { assertionBody, assertionSigner } from './assertions.mjs';
import { Jar, oneAuthCodeFlow, probeAuthCodeFlow, refreshOnce } from './flows.mjs';
import { adminToken, createStorage, SCOPE, setupProduct, startProduct } from './product.mjs';
import { basic, log, postForm, round, sleep } from './util.mjs';

const OPERATIONS = ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'other'];
const WRITES = ['insert', 'update', 'delete'];

/** Query counts by SQL operation, from the metrics endpoint. */
async function queryCounts(url, token) {
  const res = await fetch(`${url}/admin/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`metrics scrape → ${res.status}`);
  const counts = Object.fromEntries(OPERATIONS.map((o) => [o, 0]));
  for (const m of (await res.text()).matchAll(
    /^smart_auth_storage_query_duration_seconds_count\{operation="(\w+)"\} (\d+)/gm,
  )) {
    counts[m[1]] = Number(m[2]);
  }
  return counts;
}

const minus = (a, b) => Object.fromEntries(OPERATIONS.map((o) => [o, a[o] - b[o]]));

/** Runs `op` n times and returns the queries per run, by operation, idle and scrape noise removed. */
async function census(url, token, idle, n, op) {
  const before = await queryCounts(url, token);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  const seconds = (performance.now() - t0) / 1000;
  const after = await queryCounts(url, token);
  const per = {};
  for (const o of OPERATIONS) {
    const raw = after[o] - before[o] - idle.scrape[o] - idle.perSecond[o] * seconds;
    per[o] = round(Math.max(0, raw) / n, 1);
  }
  per.raw = minus(after, before);
  per.seconds = round(seconds, 2);
  per.total = round(
    OPERATIONS.reduce((sum, o) => sum + per[o], 0),
    1,
  );
  per.writes = round(
    WRITES.reduce((sum, o) => sum + per[o], 0),
    1,
  );
  return per;
}

/** The census on one database. */
export async function runCensus({ kind, cfg, key, n }) {
  const storage = await createStorage(kind, cfg.pgBase);
  const server = await startProduct(storage, {
    name: `product-${kind}-census`,
    env: { SMART_METRICS_ENABLED: 'true' },
  });
  try {
    const { url } = server;
    const setup = await setupProduct(server, storage, key);
    const scraper = await adminToken(url, 'admin introspect');
    const probe = await probeAuthCodeFlow({
      base: url,
      adminToken: scraper,
      aud: `${url}/openehr/rest/v1`,
      user: cfg.user,
    });
    // What the server does on its own, and what one scrape costs.
    const first = await queryCounts(url, scraper);
    const second = await queryCounts(url, scraper);
    const scrape = minus(second, first);
    const idleStart = await queryCounts(url, scraper);
    const t0 = performance.now();
    await sleep(3000);
    const idleEnd = await queryCounts(url, scraper);
    const idleSeconds = (performance.now() - t0) / 1000;
    const perSecond = Object.fromEntries(
      OPERATIONS.map((o) => [o, Math.max(0, idleEnd[o] - idleStart[o] - scrape[o]) / idleSeconds]),
    );
    const idle = { scrape, perSecond };

    const tokenUrl = `${url}/auth/token`;
    const sign = assertionSigner(key);
    const ok = (res, what) => {
      if (res.status !== 200) throw new Error(`${what} → ${res.status} ${res.text?.slice(0, 200)}`);
      return res;
    };
    const keyToken = () =>
      postForm(
        tokenUrl,
        Object.fromEntries(
          new URLSearchParams(assertionBody(sign(setup.keyClientId, tokenUrl), SCOPE)),
        ),
      );
    const out = {
      n,
      idle: {
        scrape,
        perSecond: Object.fromEntries(OPERATIONS.map((o) => [o, round(perSecond[o], 2)])),
      },
    };
    log(`census on ${kind}: ${n} of each operation`);
    out.backendKey = await census(url, scraper, idle, n, async () =>
      ok(await keyToken(), 'private_key_jwt token'),
    );
    const secretToken = () =>
      postForm(
        tokenUrl,
        { grant_type: 'client_credentials', scope: SCOPE },
        { authorization: basic(setup.basicClientId, setup.basicSecret) },
      );
    out.backendSecret = await census(url, scraper, idle, n, async () =>
      ok(await secretToken(), 'client_secret_basic token'),
    );
    const tokens = [];
    for (let i = 0; i < n; i++) tokens.push((await keyToken()).json.access_token);
    out.introspection = await census(url, scraper, idle, n, async (i) =>
      ok(
        await postForm(
          `${url}/auth/introspect`,
          { token: tokens[i] },
          { authorization: `Bearer ${scraper}` },
        ),
        'introspection',
      ),
    );
    // Revoked by the client they were issued to (another client's token is ignored, RFC 7009).
    const secretTokens = [];
    for (let i = 0; i < n; i++) secretTokens.push((await secretToken()).json.access_token);
    out.revocation = await census(url, scraper, idle, n, async (i) =>
      ok(
        await postForm(
          `${url}/auth/revoke`,
          { token: secretTokens[i] },
          { authorization: basic(setup.basicClientId, setup.basicSecret) },
        ),
        'revocation',
      ),
    );
    if (probe.available) {
      const jar = new Jar();
      let last = await oneAuthCodeFlow(probe.cfg, jar); // signs in once: the flows below have a session
      out.userFlow = await census(url, scraper, idle, n, async () => {
        last = await oneAuthCodeFlow(probe.cfg, jar);
      });
      out.userFlowWithLogin = await census(url, scraper, idle, n, async () => {
        await oneAuthCodeFlow(probe.cfg, new Jar());
      });
      let refresh = last.refresh_token;
      if (refresh) {
        out.refresh = await census(url, scraper, idle, n, async () => {
          refresh = (await refreshOnce(probe.cfg, refresh)).refresh_token;
        });
      }
    } else {
      out.userFlow = { skipped: probe.reason };
    }
    return out;
  } finally {
    await server.stop();
    await storage.dispose();
  }
}

const LABELS = {
  backendKey: 'backend token, private_key_jwt (S1)',
  backendSecret: 'backend token, client_secret_basic (S2)',
  userFlow: 'signed-in user flow, app already approved: authorize → code → token (S3)',
  userFlowWithLogin: 'user flow with a password login',
  refresh: 'refresh with rotation (S4)',
  introspection: 'introspection (S5)',
  revocation: 'revocation of an access token',
};

/** Markdown lines for the report. */
export function renderCensus(databases) {
  const out = [];
  for (const [kind, r] of Object.entries(databases)) {
    const c = r.census;
    if (!c) continue;
    out.push(`## Storage round trips per operation (${kind}; means over ${c.n} of each)`, '');
    out.push(
      '| Operation | round trips | select | insert | update | delete | begin/commit/rollback | row writes |',
    );
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [id, label] of Object.entries(LABELS)) {
      const x = c[id];
      if (!x) continue;
      if (x.skipped) {
        out.push(`| ${label} | skipped: ${x.skipped} | | | | | | |`);
        continue;
      }
      const tx = round(x.begin + x.commit + x.rollback, 1);
      out.push(
        `| ${label} | ${x.total} | ${x.select} | ${x.insert} | ${x.update} | ${x.delete} | ${tx} | ${x.writes} |`,
      );
    }
    out.push('');
  }
  return out;
}
