// Micro-benchmark for the smart-scopes library: permits() over a 20-scope grant, parseScopes() of a
// typical authorization request and intersectScopes() against a registration. Plain Node ESM, no
// dependencies; runs against the compiled library (npm run build first).
//
// Usage: node bench/scopes-match.mjs [rounds]   (default 200; BENCH_ROUNDS also accepted)
// Prints one human line per case and a final JSON line.
import { performance } from 'node:perf_hooks';
import { intersectScopes, matchesId, parseScopes, permits } from '@smart-openehr/scopes';

const rounds = Math.max(1, Number(process.argv[2] ?? process.env.BENCH_ROUNDS ?? 200) || 200);

const GRANTED_TEXT = [
  'openid',
  'fhirUser',
  'offline_access',
  'launch/patient',
  'patient/Observation.rs',
  'patient/Patient.r',
  'patient/*.rs?category=laboratory',
  'patient/composition-MyHospital::Vitals.v1.crud',
  'patient/composition-MyHospital::Lab*.rs',
  'patient/composition-org.openehr::*.r',
  'patient/composition-IDCR%20-%20Vital%20Signs.v1.rs',
  'patient/template-MyHospital::**.r',
  'patient/template-*::Template.v0.rs',
  'patient/aql-MyHospital::vitals.*.s',
  'patient/aql-org.openehr::my_compositions.rs',
  'user/composition-MyHospital::Admin*.r',
  'user/template-*.r',
  'user/aql-**::reports.v1.s',
  'system/aql-*.r',
  'system/composition-Audit::*.c',
].join(' ');

const REQUEST_TEXT = [
  'openid fhirUser offline_access launch/patient',
  'patient/composition-MyHospital::*.rs patient/composition-MyHospital::Vitals.v1.cruds',
  'patient/template-*.read patient/aql-MyHospital::vitals.latest.s patient/Observation.rs',
  'patient/composition-IDCR%20-%20Vital%20Signs.v1.r',
].join(' ');

const { valid: granted } = parseScopes(GRANTED_TEXT);
if (granted.length !== 20) throw new Error(`expected 20 granted scopes, got ${granted.length}`);

const compartments = ['patient', 'user', 'system'];
const resources = ['composition', 'template', 'aql'];
const permissions = ['c', 'r', 'u', 'd', 's'];
const ids = [
  'MyHospital::Vitals.v1',
  'MyHospital::Lab.results.v2',
  'MyHospital::Admin.v1',
  'org.openehr::bloodpressure.v1',
  'IDCR - Vital Signs.v1',
  'Other::Template.v0',
  'MyHospital::vitals.latest',
  'a::b::reports.v1',
  'Audit::login',
  '*',
];
const needs = [];
for (const compartment of compartments) {
  for (const resource of resources) {
    for (const permission of permissions) {
      for (const id of ids) needs.push({ compartment, resource, id, permission });
    }
  }
}

const LONG_ID = `${'a.'.repeat(200)}::${'b'.repeat(100)}`;
const LONG_PATTERN = '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*::*b*b*b*b*c';

/** Runs `fn` `ops` times per round for `rounds` rounds after a warm-up; returns ops/s. */
function measure(name, opsPerRound, fn) {
  for (let i = 0; i < Math.min(20, rounds); i += 1) fn();
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < rounds; i += 1) sink += fn();
  const ms = performance.now() - start;
  const ops = opsPerRound * rounds;
  const opsPerSec = Math.round((ops / ms) * 1000);
  console.log(
    `${name.padEnd(34)} ${String(opsPerSec).padStart(12)} ops/s  (${ops} ops, ${ms.toFixed(1)} ms)`,
  );
  return { name, ops, ms: Number(ms.toFixed(3)), opsPerSec, sink };
}

const requested = parseScopes(REQUEST_TEXT);
const requestedScopes = [...requested.valid, ...requested.invalid];

/** Repeats `fn` `times` times, summing its results (keeps the work observable). */
function repeat(times, fn) {
  return () => {
    let sum = 0;
    for (let i = 0; i < times; i += 1) sum += fn();
    return sum;
  };
}

const REPEAT = 50;
const results = [
  measure(`permits (20 grants x ${needs.length} needs)`, needs.length, () => {
    let allowed = 0;
    for (const need of needs) if (permits(granted, need)) allowed += 1;
    return allowed;
  }),
  measure(
    'parseScopes (typical request)',
    REPEAT,
    repeat(REPEAT, () => parseScopes(REQUEST_TEXT).valid.length),
  ),
  measure(
    'intersectScopes (request x 20)',
    REPEAT,
    repeat(REPEAT, () => intersectScopes(requestedScopes, granted).granted.length),
  ),
  measure(
    'matchesId (adversarial pattern)',
    REPEAT,
    repeat(REPEAT, () => (matchesId(LONG_PATTERN, LONG_ID) ? 1 : 0)),
  ),
];

console.log(
  JSON.stringify({
    bench: 'scopes-match',
    node: process.version,
    rounds,
    results: results.map(({ name, ops, ms, opsPerSec }) => ({ name, ops, ms, opsPerSec })),
  }),
);
