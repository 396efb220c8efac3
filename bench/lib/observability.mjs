// The cost of the operator features (issue "Operators, part 1"): S1 and S2 against two product
// servers started side by side, one with metrics off and one with SMART_METRICS_ENABLED=true,
// measured in alternating order (off, on / on, off ...) so drift on the machine hits both alike.
// Neither has an OpenTelemetry SDK, so both carry the no-op tracing hook (the default).
import { createStorage, setupProduct, startProduct } from './product.mjs';
import { log, round } from './util.mjs';

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Runs the comparison on one database. `measure(server, spec, extra)` and the spec builders are
 * the bench's own; `rounds` pairs per scenario.
 */
export async function runObservability({
  kind,
  cfg,
  key,
  measure,
  assertionLoad,
  basicLoad,
  rounds,
}) {
  const variants = [
    { id: 'off', env: {} },
    { id: 'on', env: { SMART_METRICS_ENABLED: 'true' } },
  ];
  const started = [];
  try {
    for (const v of variants) {
      const storage = await createStorage(kind, cfg.pgBase);
      const server = await startProduct(storage, {
        name: `product-${kind}-metrics-${v.id}`,
        env: v.env,
      });
      const setup = await setupProduct(server, storage, key);
      started.push({ ...v, storage, server, setup, s1: [], s2: [] });
    }
    log(`metrics off vs on, ${kind}: ${rounds} rounds`);
    for (let round_ = 0; round_ < rounds; round_++) {
      const order = round_ % 2 === 0 ? started : [...started].reverse();
      for (const scenario of ['s1', 's2']) {
        for (const v of order) {
          const name = `${scenario.toUpperCase()} ${kind} metrics ${v.id} #${round_ + 1}`;
          const spec =
            scenario === 's1'
              ? assertionLoad(name, v.server.url, [v.setup.keyClientId])
              : basicLoad(name, v.server.url, v.setup.basicClientId, v.setup.basicSecret);
          v[scenario].push(await measure(v.server, spec));
        }
      }
    }
  } finally {
    for (const v of started) {
      await v.server.stop();
      await v.storage.dispose();
    }
  }
  const summary = {};
  for (const scenario of ['s1', 's2']) {
    const [off, on] = started.map((v) => ({
      okRps: round(median(v[scenario].map((r) => r.okRps)) ?? 0, 0) || undefined,
      usPerReq: round(median(v[scenario].map((r) => r.cpu?.serverUsPerReq)) ?? 0, 0) || undefined,
      runs: v[scenario].map((r) => ({
        okRps: r.okRps,
        usPerReq: r.cpu?.serverUsPerReq,
        status: r.status,
      })),
    }));
    summary[scenario] = {
      off,
      on,
      rpsRatio: off.okRps && on.okRps ? round(on.okRps / off.okRps, 3) : undefined,
      cpuRatio: off.usPerReq && on.usPerReq ? round(off.usPerReq / on.usPerReq, 3) : undefined,
    };
  }
  return summary;
}

/** Markdown lines for the report. */
export function renderObservability(databases) {
  const rows = [];
  for (const [kind, r] of Object.entries(databases)) {
    const o = r.observability;
    if (!o) continue;
    for (const scenario of ['s1', 's2']) {
      const x = o[scenario];
      const ok = (ratio) => (ratio === undefined ? '—' : `${ratio}${ratio >= 0.95 ? '' : ' ⚠'}`);
      rows.push(
        `| ${scenario.toUpperCase()} ${kind} | ${x.off.okRps ?? '—'} | ${x.on.okRps ?? '—'} | ${ok(x.rpsRatio)} | ${x.off.usPerReq ?? '—'} | ${x.on.usPerReq ?? '—'} | ${ok(x.cpuRatio)} |`,
      );
    }
  }
  if (rows.length === 0) return [];
  return [
    '## Metrics off vs on (same run, alternating; medians)',
    '',
    'Goal: metrics on within 5 % of off (ratio ≥ 0.95). CPU ratio = off µs/req ÷ on µs/req.',
    '',
    '| Scenario | off req/s | on req/s | req/s ratio | off µs/req | on µs/req | CPU ratio |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
}
