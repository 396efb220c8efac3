// Summarises a V8 .cpuprofile (as written by bench/lib/profiled.mjs or `node --cpu-prof`): self
// time by function, inclusive time by function, and self time by package / product library.
//
//   node bench/lib/cpuprofile.mjs <file.cpuprofile> [top=25]
//   node bench/lib/cpuprofile.mjs <file.cpuprofile> --callers <function-name substring> [depth=4]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { round } from './util.mjs';

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** Where a frame's code lives: a package, the product's libraries, node core, or V8. */
export function categoryOf(frame) {
  const { url, functionName } = frame;
  if (SPECIAL.has(functionName)) return functionName;
  if (!url) return '(native / builtin)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const lib = /\/dist\/libs\/([^/]+)\//.exec(url);
  if (lib) return `product: libs/${lib[1]}`;
  // The workspaces' own builds (libs/<name>/dist/<folder>/...): the auth server by folder (layer).
  const workspace = /\/libs\/([^/]+)\/dist\/([^/]+)/.exec(url);
  if (workspace) {
    const [, name, folder] = workspace;
    return name === 'auth-server' && !folder.endsWith('.js')
      ? `product: auth-server/${folder}`
      : `product: libs/${name}`;
  }
  if (/\/dist\/src\//.test(url)) return 'product: src';
  if (/\/bench\//.test(url)) return 'bench harness';
  if (url.startsWith('node:')) return 'node core (JS)';
  return 'other';
}

const shortUrl = (url) => {
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
};

const keyOf = (frame) =>
  `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;

/** Self and inclusive times (ms) of a profile. */
export function summarise(profile, top = 25) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  const byCategory = new Map();
  const frames = new Map();
  let total = 0;
  let idle = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i += 1) {
    // timeDeltas[i] is the time before sample i; attribute the following delta to sample i.
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    const node = nodes.get(samples[i]);
    if (!node) continue;
    total += dt;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') idle += dt;
    const k = keyOf(frame);
    frames.set(k, frame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const cat = categoryOf(frame);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const f = nodes.get(id).callFrame;
      const fk = keyOf(f);
      if (seen.has(fk)) continue;
      seen.add(fk);
      frames.set(fk, f);
      inclusive.set(fk, (inclusive.get(fk) ?? 0) + dt);
    }
  }
  const busy = total - idle;
  const list = (m, n = top) =>
    [...m]
      .filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, ms]) => ({
        fn: k,
        category: categoryOf(frames.get(k) ?? { url: '', functionName: k }),
        ms: round(ms, 1),
        pctBusy: round((ms / busy) * 100, 1),
      }));
  return {
    totalMs: round(total, 0),
    idleMs: round(idle, 0),
    busyMs: round(busy, 0),
    byCategory: [...byCategory]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([category, ms]) => ({
        category,
        ms: round(ms, 1),
        pctBusy: round((ms / busy) * 100, 1),
      })),
    topSelf: list(self),
    topInclusive: list(inclusive, 60),
  };
}

/** Who calls functions whose key contains `needle`: self time of matches, by caller chain. */
export function callersOf(profile, needle, depth = 4) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const chains = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i += 1) {
    const node = nodes.get(samples[i]);
    if (!node || !keyOf(node.callFrame).includes(needle)) continue;
    const chain = [];
    for (
      let id = parent.get(node.id);
      id !== undefined && chain.length < depth;
      id = parent.get(id)
    ) {
      chain.push(keyOf(nodes.get(id).callFrame));
    }
    const k = chain.join(' ← ');
    chains.set(k, (chains.get(k) ?? 0) + (timeDeltas[i + 1] ?? 0) / 1000);
  }
  return [...chains]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([chain, ms]) => ({ chain, ms: round(ms, 1) }));
}

/** Markdown tables of a summary. */
export function renderSummary(title, s, requests) {
  const out = [`### ${title}`, ''];
  const perReq = requests
    ? ` — ${round((s.busyMs * 1000) / requests, 0)} µs of CPU per request (${requests} requests)`
    : '';
  out.push(
    `Profile: ${s.totalMs} ms sampled, ${s.idleMs} ms idle, ${s.busyMs} ms busy${perReq}.`,
    '',
  );
  out.push('Self time by package / area:', '', '| Area | ms | % of busy |', '|---|---:|---:|');
  for (const c of s.byCategory.slice(0, 30)) out.push(`| ${c.category} | ${c.ms} | ${c.pctBusy} |`);
  out.push('', 'Top self time:', '', '| Function | Area | ms | % of busy |', '|---|---|---:|---:|');
  for (const f of s.topSelf) out.push(`| \`${f.fn}\` | ${f.category} | ${f.ms} | ${f.pctBusy} |`);
  out.push(
    '',
    'Top inclusive time (function and everything it calls):',
    '',
    '| Function | ms | % of busy |',
    '|---|---:|---:|',
  );
  for (const f of s.topInclusive.slice(0, 40)) out.push(`| \`${f.fn}\` | ${f.ms} | ${f.pctBusy} |`);
  out.push('');
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/lib/cpuprofile.mjs <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  if (process.argv[3] === '--callers') {
    for (const c of callersOf(profile, process.argv[4], Number(process.argv[5] ?? 4))) {
      process.stdout.write(`${c.ms} ms  ${c.chain}\n`);
    }
  } else {
    const summary = summarise(profile, Number(process.argv[3] ?? 25));
    process.stdout.write(`${renderSummary(file, summary)}\n`);
  }
}
