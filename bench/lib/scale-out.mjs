// Scale-out run (issue "Performance round 3", goal 6): three product instances on one PostgreSQL
// behind a round-robin proxy, under mixed S1 + S4 + S5 load for BENCH_SCALEOUT_DURATION (60) s,
// and the same mixed load through the proxy to one instance. During the load, races check that a
// client assertion (`jti`) and a refresh token are each accepted exactly once when two instances
// receive them at the same moment. Reported: throughput and errors per scenario, the races, and
// server CPU per request (all instances) against the single instance.
import { join } from 'node:path';
import { assertionBody, assertionSigner } from './assertions.mjs';
import { Jar, oneAuthCodeFlow, probeAuthCodeFlow } from './flows.mjs';
import { LoadProcess } from './load.mjs';
import {
  adminToken,
  createStorage,
  introspectionFixture,
  SCOPE,
  setupProduct,
  startProduct,
} from './product.mjs';
import { ROOT, startServer } from './servers.mjs';
import { freePort, log, postForm, processCpuSeconds, round, sleep } from './util.mjs';

/** Fires `a` and `b` at once; how many of the two answered 200. */
async function race(a, b) {
  const results = await Promise.all([a(), b()]);
  return results.filter((r) => r.status === 200).length;
}

async function mixedRun({ label, instances, cfg, key, specs, storage, duration }) {
  const proxyPort = await freePort();
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const servers = [];
  let proxy;
  const loads = [];
  try {
    for (let i = 0; i < instances; i++) {
      servers.push(
        await startProduct(storage, {
          name: `scale-out-${label}-${i + 1}`,
          // The losing halves of the races are failed client authentications by design: without
          // this the IP would be blocked after 50 of them.
          env: { SMART_PUBLIC_URL: proxyUrl, SMART_RATE_LIMIT_FAILED_AUTH_PER_IP: '0' },
          readyPath: '/health/live',
        }),
      );
    }
    proxy = await startServer({
      name: `scale-out-${label}-proxy`,
      script: join(ROOT, 'bench', 'servers', 'round-robin.mjs'),
      env: { BENCH_UPSTREAMS: servers.map((s) => s.url).join(',') },
      port: proxyPort,
      readyPath: '/health/live',
    });
    const front = { ...servers[0], url: proxyUrl };
    const setup = await setupProduct(front, storage, key);
    const probe = await probeAuthCodeFlow({
      base: proxyUrl,
      adminToken: await adminToken(proxyUrl, 'admin'),
      aud: `${proxyUrl}/openehr/rest/v1`,
      user: cfg.user,
    });
    if (!probe.available || !probe.refresh) throw new Error(`no refresh flow: ${probe.reason}`);
    const fixture = await introspectionFixture(front, key, setup.keyClientId);
    const connections = Math.max(2, Math.round(cfg.connections / 2));
    const spec = {
      s1: specs.assertionLoad(`S1 ${label}`, proxyUrl, [setup.keyClientId], {
        duration,
        connections,
      }),
      s4: specs.base(`S4 ${label}`, proxyUrl, {
        duration,
        connections,
        flow: { kind: 'refresh', cfg: probe.cfg },
      }),
      s5: specs.introspectLoad(`S5 ${label}`, proxyUrl, fixture.token, fixture.bearer, {
        duration,
        connections,
      }),
    };
    for (let i = 0; i < 3; i++) loads.push(await new LoadProcess().start());
    const cpu0 = servers.map((s) => processCpuSeconds(s.pid) ?? 0);
    log(`scale-out ${label}: ${instances} instance(s), mixed S1 + S4 + S5 for ${duration} s`);
    const running = Promise.all([
      loads[0].run(spec.s1),
      loads[1].run(spec.s4),
      loads[2].run(spec.s5),
    ]);
    running.catch(() => undefined); // awaited below; a failure before that is reported instead

    // Races while the load runs (after its warm-up): each pair goes through the proxy one after
    // the other, so round robin sends the two copies to different instances.
    await sleep((cfg.warmup + 2) * 1000);
    const tokenUrl = `${proxyUrl}/auth/token`;
    const sign = assertionSigner(key);
    const jti = { pairs: 0, exactlyOnce: 0 };
    for (let i = 0; i < 100; i++) {
      const body = Object.fromEntries(
        new URLSearchParams(assertionBody(sign(setup.keyClientId, tokenUrl), SCOPE)),
      );
      const once = await race(
        () => postForm(tokenUrl, body),
        () => postForm(tokenUrl, body),
      );
      jti.pairs++;
      if (once === 1) jti.exactlyOnce++;
    }
    const refresh = { pairs: 0, exactlyOnce: 0 };
    const signedIn = new Jar(); // one login, then flows with its session (the login throttle)
    for (let i = 0; i < 30; i++) {
      const tokens = await oneAuthCodeFlow(probe.cfg, signedIn);
      const form = {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: probe.cfg.clientId,
      };
      const once = await race(
        () => postForm(tokenUrl, form),
        () => postForm(tokenUrl, form),
      );
      refresh.pairs++;
      if (once === 1) refresh.exactlyOnce++;
    }
    const [s1, s4, s5] = await running;
    const cpuSeconds = servers.reduce(
      (sum, s, i) => sum + ((processCpuSeconds(s.pid) ?? cpu0[i]) - cpu0[i]),
      0,
    );
    const requests = s1.total + s4.total + s5.total + jti.pairs * 2 + refresh.pairs * 2;
    const pick = (r) => ({
      okRps: r.okRps,
      total: r.total,
      errorCount: r.errorCount,
      p99: r.latencyMs?.p99,
      errorSamples: r.errorSamples,
    });
    return {
      instances,
      s1: pick(s1),
      s4: pick(s4),
      s5: pick(s5),
      races: { jti, refresh },
      // The whole run (warm-ups included) on every instance, per request of the measured phases.
      serverUsPerReq: requests ? round((cpuSeconds * 1e6) / requests, 0) : undefined,
    };
  } finally {
    for (const l of loads) l.close();
    await proxy?.stop();
    for (const s of servers) await s.stop();
  }
}

/** Both runs on one fresh PostgreSQL database each. */
export async function runScaleOut({ cfg, key, specs, duration }) {
  if (!cfg.pgBase) return { skipped: 'needs DATABASE_URL (PostgreSQL)' };
  const out = {};
  for (const [label, instances] of [
    ['one', 1],
    ['three', 3],
  ]) {
    const storage = await createStorage('postgres', cfg.pgBase);
    try {
      out[label] = await mixedRun({ label, instances, cfg, key, specs, storage, duration });
    } finally {
      await storage.dispose();
    }
  }
  if (out.one?.serverUsPerReq && out.three?.serverUsPerReq) {
    out.cpuGrowth = round(out.three.serverUsPerReq / out.one.serverUsPerReq, 2);
  }
  return out;
}

/** Markdown lines for the report. */
export function renderScaleOut(scaleOut) {
  if (!scaleOut) return [];
  if (scaleOut.skipped) return ['## Scale-out', '', `Skipped: ${scaleOut.skipped}.`, ''];
  const rows = [];
  for (const label of ['one', 'three']) {
    const r = scaleOut[label];
    if (!r) continue;
    const cell = (x) => `${x.okRps}/s, ${x.errorCount} errors, p99 ${x.p99} ms`;
    rows.push(
      `| ${r.instances} | ${cell(r.s1)} | ${cell(r.s4)} | ${cell(r.s5)} | ${r.races.jti.exactlyOnce}/${r.races.jti.pairs} | ${r.races.refresh.exactlyOnce}/${r.races.refresh.pairs} | ${r.serverUsPerReq} |`,
    );
  }
  return [
    '## Scale-out (PostgreSQL, round-robin proxy, mixed S1 + S4 + S5)',
    '',
    '| instances | S1 | S4 | S5 | jti races accepted once | refresh races accepted once | server CPU µs/req (all instances) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    scaleOut.cpuGrowth === undefined
      ? ''
      : `CPU per request with three instances: ${scaleOut.cpuGrowth}× one instance's.`,
    '',
  ];
}
