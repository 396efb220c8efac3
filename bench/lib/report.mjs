// Goals of issue "Performance" and the Markdown report (bench/results/latest.md).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { renderCensus } from './census.mjs';
import { renderObservability } from './observability.mjs';
import { renderScaleOut } from './scale-out.mjs';
import { round } from './util.mjs';

const pct = (v) => (v === undefined || v === null ? '—' : `${round(v * 100, 0)} %`);
const num = (v, d = 0) => (v === undefined || v === null ? '—' : String(round(v, d)));

/** MiB (as measured) → MB (10^6 bytes, as the goals are written). */
const mb = (mib) => (mib === undefined ? undefined : mib * 1.048576);

/** A goal outcome: `value` compared with `target`; `higher` = bigger is better. */
function goal(id, text, value, target, { higher = true, unit = '', failed = false, na } = {}) {
  if (na) return { id, text, target, unit, status: 'n/a', detail: na };
  if (value === undefined || value === null || Number.isNaN(value)) {
    return { id, text, target, unit, status: 'n/a', detail: 'not measured' };
  }
  const met = !failed && (higher ? value >= target : value < target);
  const diff = higher ? value - target : target - value;
  const rel = target ? diff / target : 0;
  // Ratio goals (no unit): the distance in percentage points; others: absolute and relative.
  const by = unit
    ? `${num(Math.abs(diff), unit === 'ms' ? 1 : 0)} ${unit} (${num(Math.abs(rel) * 100, 0)} %)`
    : `${num(Math.abs(diff) * 100, 1)} percentage point${Math.abs(diff) * 100 === 1 ? '' : 's'}`;
  const verdict = diff >= 0 ? `${by} to spare` : `${higher ? 'short' : 'over'} by ${by}`;
  return {
    id,
    text,
    value: round(value, unit ? 2 : 4),
    target,
    unit,
    status: met ? 'met' : 'missed',
    detail: failed ? `scenario failed (>1 % errors); ${verdict}` : verdict,
  };
}

/** Evaluates every goal against the results of one run. */
export function evaluateGoals(results) {
  const goals = [];
  const bare = results.baselines?.bareOidcS1;
  const verifyLoop = results.baselines?.joseVerify;
  for (const [db, r] of Object.entries(results.databases ?? {})) {
    const s = r.scenarios ?? {};
    const s1 = s.s1;
    const ok = (x) => x && x.status !== 'skipped';
    const failed = (x) => x?.status === 'failed';
    goals.push(
      goal(`S1/${db}`, `S1 tokens/s (${db}) ≥ 1000`, s1?.okRps, 1000, {
        unit: 'req/s',
        failed: failed(s1),
      }),
    );
    goals.push(
      goal(
        `S1b/${db}`,
        `S1 (${db}) ≥ 70 % of bare oidc-provider (b)`,
        s1 && bare ? s1.okRps / bare.okRps : undefined,
        0.7,
        {
          failed: failed(s1),
        },
      ),
    );
    const s170 = s.s1at70;
    goals.push(
      goal(`S1p99/${db}`, `S1 p99 at 70 % of peak (${db}) < 25 ms`, s170?.latencyMs?.p99, 25, {
        higher: false,
        unit: 'ms',
        failed: failed(s170),
      }),
    );
    const floorTail = s.floorAtS1Rate?.latencyMs?.p99;
    goals.push(
      goal(
        `S1tail/${db}`,
        `S1 p99 at 70 % of peak (${db}) ≤ 2× the floor's p99 at the same rate`,
        s170?.latencyMs?.p99 && floorTail ? s170.latencyMs.p99 / floorTail : undefined,
        2,
        { higher: false, unit: '×', failed: failed(s170) || failed(s.floorAtS1Rate) },
      ),
    );
    goals.push(
      goal(`S3/${db}`, `S3 flows/s (${db}) ≥ 150`, s.s3?.okRps, 150, {
        unit: 'flows/s',
        failed: failed(s.s3),
        na: ok(s.s3) ? undefined : (s.s3?.reason ?? 'not run'),
      }),
    );
    goals.push(
      goal(`S4/${db}`, `S4 refreshes/s (${db}) ≥ 800`, s.s4?.okRps, 800, {
        unit: 'req/s',
        failed: failed(s.s4),
        na: ok(s.s4) ? undefined : (s.s4?.reason ?? 'not run'),
      }),
    );
    goals.push(
      goal(`S5/${db}`, `S5 introspections/s (${db}) ≥ 3000`, s.s5?.okRps, 3000, {
        unit: 'req/s',
        failed: failed(s.s5),
      }),
    );
    for (const k of ['s6smart', 's6oidc', 's6jwks']) {
      if (!s[k]) continue;
      goals.push(
        goal(`${k}/${db}`, `S6 ${s[k].title} (${db}) ≥ 8000/s`, s[k].okRps, 8000, {
          unit: 'req/s',
          failed: failed(s[k]),
        }),
      );
      const floor = s[k].floor;
      if (!floor) continue;
      goals.push(
        goal(
          `${k}Floor/${db}`,
          `S6 ${s[k].title} (${db}) ≥ 85 % of the bare node:http floor serving the same bytes`,
          floor.okRps ? s[k].okRps / floor.okRps : undefined,
          0.85,
          { failed: failed(s[k]) || failed(floor) },
        ),
      );
    }
    const scale = r.scale;
    if (scale?.s8) {
      goals.push(
        goal(
          `S8/${db}`,
          `S8 at scale (${db}) ≥ 80 % of S1`,
          s1 ? scale.s8.okRps / s1.okRps : undefined,
          0.8,
          {
            failed: failed(scale.s8),
          },
        ),
      );
    } else {
      goals.push(
        goal(`S8/${db}`, `S8 at scale (${db}) ≥ 80 % of S1`, undefined, 0.8, {
          na: 'opt-in: BENCH_SCALE=1',
        }),
      );
    }
    goals.push(
      goal(`RSSidle/${db}`, `RSS idle after start (${db}) < 200 MB`, mb(r.rssIdleMiB), 200, {
        higher: false,
        unit: 'MB',
      }),
    );
    goals.push(
      goal(`RSSpeak/${db}`, `RSS peak (${db}) < 350 MB`, mb(r.rssPeakMiB), 350, {
        higher: false,
        unit: 'MB',
      }),
    );
  }
  for (const [mode, label] of [
    ['library', 'S7 resource-server guard ≥ 80 % of the bare jose verify loop'],
    [
      'libraryUncached',
      'S7 with verifiedTokenCacheSize 0 (every request verified) ≥ 80 % of the bare loop',
    ],
  ]) {
    const s7 = results.s7?.[mode];
    goals.push(
      goal(
        `S7/${mode}`,
        label,
        s7 && verifyLoop && s7.status !== 'skipped' ? s7.okRps / verifyLoop.okRps : undefined,
        0.8,
        {
          failed: s7?.status === 'failed',
          na: s7?.status === 'skipped' ? s7.reason : undefined,
        },
      ),
    );
  }
  for (const [mode, plain] of [
    ['libraryRevocation', 'library'],
    ['gatewayRevocation', 'gateway'],
  ]) {
    const on = results.s7?.[mode];
    const off = results.s7?.[plain];
    const measured = on?.status === 'ok' && off?.status === 'ok';
    goals.push(
      goal(
        `S7/${mode}`,
        `S7 ${plain} with the revocation check ≥ 90 % of S7 ${plain} without it (same run)`,
        measured ? on.okRps / off.okRps : undefined,
        0.9,
        { failed: on?.status === 'failed', na: measured ? undefined : 'not measured' },
      ),
    );
  }
  return goals;
}

function row(label, r, ratios = {}) {
  if (!r) return `| ${label} | — | | | | | | | | |`;
  if (r.status === 'skipped') return `| ${label} | skipped: ${r.reason} | | | | | | | |`;
  if (r.latencyMs === undefined)
    return `| ${label} **FAILED** | ${r.reason ?? 'no result'} | | | | | | | |`;
  const lat = r.latencyMs ?? {};
  const err = r.errorCount ? `${r.errorCount} (${pct(r.errorRate)})` : '0';
  const status = r.status === 'failed' ? ' **FAILED**' : '';
  const disturbed = r.cpu && r.cpu.otherPct > 25 ? ' ⚠' : '';
  const cpu = r.cpu
    ? `${r.cpu.serverPct}/${r.cpu.loadPct}/${r.cpu.dbPct ? `${r.cpu.dbPct}/` : ''}${r.cpu.otherPct}${disturbed}`
    : '—';
  const both = (x, y) => (x === undefined && y === undefined ? '—' : `${pct(x)} (${pct(y)})`);
  return `| ${label}${status} | ${num(r.okRps)} | ${num(lat.p50, 1)} | ${num(lat.p99, 1)} | ${err} | ${num(r.rssMiB?.maxMiB)} | ${cpu} | ${num(r.cpu?.serverUsPerReq)} | ${both(ratios.a, ratios.aCpu)} | ${both(ratios.b, ratios.bCpu)} |`;
}

const HEADER = [
  '| Scenario | req/s | p50 ms | p99 ms | errors | RSS max MiB | CPU % server/load/[db/]other | server CPU µs/req | vs (a): req/s (CPU) | vs (b): req/s (CPU) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];

/** S6 against its floor (bare node:http, same bytes and headers), when the run measured it. */
function renderS6Floor(s) {
  const keys = ['s6smart', 's6oidc', 's6jwks'].filter((k) => s[k]?.floor);
  if (!keys.length) return [];
  const us = (r) => r?.cpu?.serverUsPerReq;
  const out = [
    `S6 against the floor: a bare \`node:http\` server answering the same bytes with the same headers, measured alternately with each document in ${s[keys[0]].rounds ?? 1} short rounds, the round with the median CPU ratio shown (ratio = product ÷ floor; CPU ratio = floor µs/req ÷ product µs/req); ${s[keys[0]].placement ?? 'not pinned to CPUs'}.`,
    '',
    '| Document | floor req/s | product req/s | ratio | floor µs/req | product µs/req | CPU ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const k of keys) {
    const r = s[k];
    const f = r.floor;
    const ratio = f.okRps ? r.okRps / f.okRps : undefined;
    const cpuRatio = us(f) && us(r) ? us(f) / us(r) : undefined;
    out.push(
      `| ${r.title} | ${num(f.okRps)} | ${num(r.okRps)} | ${pct(ratio)} | ${num(us(f))} | ${num(us(r))} | ${pct(cpuRatio)} |`,
    );
  }
  out.push('');
  return out;
}

/** The Markdown report of one run. */
export function renderMarkdown(results) {
  const databases = results.databases ?? {};
  return [
    renderMain(results),
    ...renderCensus(databases),
    ...renderObservability(databases),
    ...renderScaleOut(results.scaleOut),
  ].join('\n');
}

function renderMain(results) {
  const m = results.meta;
  const out = [];
  out.push(`# smart-openehr-auth benchmark — ${m.startedAt}`);
  out.push('');
  out.push(
    `- Machine: ${m.machine.cpus}× ${m.machine.cpuModel}, ${m.machine.memGiB} GiB RAM; Node ${m.node}; ${m.machine.os}`,
  );
  out.push(
    `- Command: \`${m.command}\`; duration ${m.duration} s per scenario after a ${m.warmup} s warm-up, ${m.connections} connections (flows: ${m.flowConnections}); load from a separate process (autocannon ${m.autocannon})`,
  );
  out.push(`- Product: commit ${m.product}`);
  out.push(
    `- Server: \`node ${m.serverNodeArgs ? `${m.serverNodeArgs} ` : ''}dist/src/main.js\` (as \`npm start\`), LOG_LEVEL=${m.logLevel}${m.serverNodeOptions ? `, NODE_OPTIONS=${m.serverNodeOptions}` : ''}${m.serverEnv ? `, env ${m.serverEnv}` : ''}${m.rateLimits ? `; rate limits ${m.rateLimits}` : ''}; total runtime ${m.totalSeconds} s`,
  );
  out.push(
    '- CPU % = share of one core used during the measured phase by the server process (all its threads), the load process, the PostgreSQL server processes (db, PostgreSQL runs only), and everything else on the machine (2 cores = 200 %); “other” above 25 % (⚠) means other work on the machine disturbed the figure.',
  );
  out.push(
    '- (a) = floor: bare node:http, per request verify one ES384 JWT + sign one ES256 JWT (jose). (b) = bare oidc-provider, in-memory adapter, same grant configuration, same load (S2 is compared with (b) under the S2 load, everything else with (b) under the S1 load). “vs” columns: ratio of req/s and, in brackets, the same ratio from server CPU time per request (baseline µs/req ÷ scenario µs/req), which other work on the machine disturbs less.',
  );
  out.push('');
  const b = results.baselines ?? {};
  const perReq = (x) => x?.cpu?.serverUsPerReq;
  const ratios = (r, bRef) => ({
    a: r && b.floor && r.okRps ? r.okRps / b.floor.okRps : undefined,
    b: r && bRef && r.okRps ? r.okRps / bRef.okRps : undefined,
    // The same ratios from server CPU per request (less sensitive to other work on the machine).
    aCpu: perReq(r) && perReq(b.floor) ? perReq(b.floor) / perReq(r) : undefined,
    bCpu: perReq(r) && perReq(bRef) ? perReq(bRef) / perReq(r) : undefined,
  });
  out.push('## Baselines');
  out.push('');
  out.push(...HEADER);
  out.push(row('(a) floor: verify ES384 + sign ES256', b.floor, ratios(b.floor, b.bareOidcS1)));
  out.push(
    row(
      '(b) bare oidc-provider, S1 load (private_key_jwt)',
      b.bareOidcS1,
      ratios(b.bareOidcS1, b.bareOidcS1),
    ),
  );
  out.push(
    row(
      '(b) bare oidc-provider, S2 load (client_secret_basic)',
      b.bareOidcS2,
      ratios(b.bareOidcS2, b.bareOidcS2),
    ),
  );
  out.push(row('S7 baseline: bare jose verify loop', b.joseVerify));
  out.push('');
  for (const [db, r] of Object.entries(results.databases ?? {})) {
    const s = r.scenarios ?? {};
    out.push(`## Product server — ${db}`);
    out.push('');
    out.push(
      `Start-up ${num(r.startupMs)} ms; RSS idle ${num(r.rssIdleMiB)} MiB, peak ${num(r.rssPeakMiB)} MiB; clients registered via ${r.registeredVia}.`,
    );
    out.push('');
    out.push(...HEADER);
    out.push(
      row('S1 client_credentials, private_key_jwt ES384 → JWT', s.s1, ratios(s.s1, b.bareOidcS1)),
    );
    out.push(
      row(
        `S1 at 70 % of peak (${num(s.s1at70?.targetRate)} req/s offered)`,
        s.s1at70,
        ratios(s.s1at70, b.bareOidcS1),
      ),
    );
    if (s.floorAtS1Rate) {
      out.push(
        row('(a) floor at the same offered rate (tail-latency reference)', s.floorAtS1Rate, {}),
      );
    }
    out.push(
      row('S2 client_credentials, client_secret_basic → JWT', s.s2, ratios(s.s2, b.bareOidcS2)),
    );
    out.push(row('S3 authorization code + PKCE flow (flows/s)', s.s3, ratios(s.s3, b.bareOidcS1)));
    if (s.s3login) {
      out.push(
        row('S3 with a login (scrypt) in every flow', s.s3login, ratios(s.s3login, b.bareOidcS1)),
      );
    }
    out.push(row('S4 refresh with rotation', s.s4, ratios(s.s4, b.bareOidcS1)));
    out.push(
      row('S5 introspection of a JWT (Bearer introspect)', s.s5, ratios(s.s5, b.bareOidcS1)),
    );
    for (const k of ['s6smart', 's6oidc', 's6jwks'])
      out.push(row(`S6 ${s[k]?.title ?? k}`, s[k], ratios(s[k], b.bareOidcS1)));
    if (r.scale) {
      out.push(
        row(
          `S8 = S1 with ${r.scale.rows?.clients} clients, ${r.scale.rows?.grants} grants`,
          r.scale.s8,
          ratios(r.scale.s8, b.bareOidcS1),
        ),
      );
      out.push(
        row(
          'S8b same, each request from another of the scale clients',
          r.scale.s8spread,
          ratios(r.scale.s8spread, b.bareOidcS1),
        ),
      );
    } else {
      out.push(row('S8 scale', { status: 'skipped', reason: 'opt-in: BENCH_SCALE=1' }));
    }
    out.push('');
    out.push(...renderS6Floor(s));
    if (s.s3?.note) out.push(`S3: ${s.s3.note} (sequential, from the probe).`, '');
    if (r.scale) {
      out.push(
        `Scale run: seeding took ${num(r.scale.seedSeconds, 1)} s; RSS idle ${num(r.scale.rssIdleMiB)} MiB, peak ${num(r.scale.rssPeakMiB)} MiB.`,
      );
      out.push('');
    }
  }
  if (results.s7) {
    out.push(
      '## S7 resource-server guard (GET /openehr/rest/v1/ehr/{ehr_id}/composition/{uid}, ES256 JWT)',
    );
    out.push('');
    out.push(...HEADER);
    const vs = (r) => ({
      b: r && b.joseVerify && r.okRps ? r.okRps / b.joseVerify.okRps : undefined,
      bCpu:
        r?.cpu?.serverUsPerReq && b.joseVerify?.cpu?.serverUsPerReq
          ? b.joseVerify.cpu.serverUsPerReq / r.cpu.serverUsPerReq
          : undefined,
    });
    out.push(row('bare jose verify loop (baseline)', b.joseVerify, vs(b.joseVerify)));
    out.push(
      row(
        'Nest app + SmartResourceServerModule (@OpenEhrApi)',
        results.s7.library,
        vs(results.s7.library),
      ),
    );
    out.push(
      row(
        'the same, with the revocation check (TokenRevocationChecker, in-memory list)',
        results.s7.libraryRevocation,
        vs(results.s7.libraryRevocation),
      ),
    );
    out.push(
      row(
        'the same, verifiedTokenCacheSize 0 (every request verified)',
        results.s7.libraryUncached,
        vs(results.s7.libraryUncached),
      ),
    );
    out.push(row('openEHR gateway module → fake CDR', results.s7.gateway, vs(results.s7.gateway)));
    out.push(
      row(
        'the same, with the revocation check',
        results.s7.gatewayRevocation,
        vs(results.s7.gatewayRevocation),
      ),
    );
    out.push('');
    out.push('("vs (b)" in this table = ratio to the bare jose verify loop.)');
    out.push('');
  }
  out.push('## Goals');
  out.push('');
  out.push('| Goal | Value | Status |');
  out.push('|---|---:|---|');
  for (const g of results.goals ?? []) {
    const value =
      g.value === undefined ? '—' : g.unit ? `${g.value} ${g.unit}` : `${num(g.value * 100, 1)} %`;
    const mark = g.status === 'met' ? '✅ met' : g.status === 'missed' ? '❌ missed' : '➖ n/a';
    out.push(`| ${g.text} | ${value} | ${mark} — ${g.detail} |`);
  }
  out.push('');
  const failures = [];
  const collect = (label, r) => {
    if (r?.errorSamples?.length)
      failures.push(`- ${label}: ${r.errorSamples.join(' | ').replace(/\n/g, ' ')}`);
    if (r?.inlineSigned)
      failures.push(
        `- ${label}: pre-signed assertions ran out, ${r.inlineSigned} signed inline (load-side cost)`,
      );
  };
  collect('(a)', b.floor);
  collect('(b) S1', b.bareOidcS1);
  collect('(b) S2', b.bareOidcS2);
  for (const [db, r] of Object.entries(results.databases ?? {})) {
    for (const [k, v] of Object.entries(r.scenarios ?? {})) collect(`${db} ${k}`, v);
    for (const [k, v] of Object.entries(r.scale ?? {})) if (v?.latencyMs) collect(`${db} ${k}`, v);
  }
  if (failures.length) {
    out.push('## Notes from the run');
    out.push('');
    out.push(...failures);
    out.push('');
  }
  return out.join('\n');
}

/** The soak report. */
export function renderSoak(soak) {
  const out = [`# Soak: S1 for ${soak.seconds} s at ${soak.rate} req/s (${soak.db})`, ''];
  out.push(
    `Result: ${num(soak.result?.okRps)} tokens/s, p50 ${num(soak.result?.latencyMs?.p50, 1)} ms, p99 ${num(soak.result?.latencyMs?.p99, 1)} ms, errors ${soak.result?.errorCount ?? '—'}.`,
  );
  out.push(`RSS slope after the first minute: ${num(soak.slopeMiBPerMin, 2)} MiB/min.`, '');
  out.push('| t (s) | RSS MiB |', '|---:|---:|');
  for (const p of soak.rss) out.push(`| ${p.t} | ${num(p.rssMiB, 1)} |`);
  if (soak.perWindow?.length) {
    out.push('', '| window from (s) | mean req/s | slowest second req/s |', '|---:|---:|---:|');
    for (const w of soak.perWindow) out.push(`| ${w.fromS} | ${w.rps} | ${w.minRps} |`);
  }
  return out.join('\n');
}

// Re-renders a result file: node bench/lib/report.mjs bench/results/latest.json > latest.md
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  if (results.seconds !== undefined && results.rss) {
    process.stdout.write(`${renderSoak(results)}\n`);
  } else {
    results.goals = evaluateGoals(results);
    process.stdout.write(`${renderMarkdown(results)}\n`);
  }
}
