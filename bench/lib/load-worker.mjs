// The load-generating process (forked by bench/run.mjs, never the server's process). Receives one
// load spec at a time over IPC, runs it with autocannon (or the multi-step flow driver) and posts
// the result back. Client assertions are signed BEFORE the timed run (worker threads), so signing
// is not in the client's critical path; long runs (soak) refill the pool from a signing thread.
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { assertionBody, assertionSigner, presignBodies } from './assertions.mjs';
import { runFlowLoad } from './flows.mjs';
import { cpuAccount, round } from './util.mjs';

/** Assertions for runs longer than this are signed while the run goes (they expire in 280 s). */
const STREAMING_THRESHOLD_S = 120;
/** Keep a few error bodies for the report. */
const MAX_ERROR_SAMPLES = 3;

/**
 * A supply of request bodies with unique client assertions: a pre-signed array, then (if it runs
 * dry) inline signing, which is counted and reported because it loads the client.
 */
class AssertionPool {
  constructor(spec) {
    this.spec = spec;
    this.sign = assertionSigner(spec.key);
    this.bodies = [];
    this.next = 0;
    this.inline = 0;
    this.exhaustedAt = undefined;
    this.cursor = 0;
  }

  async fill(count) {
    const t0 = performance.now();
    const { key, clientIds, aud, scope } = this.spec;
    this.bodies = await presignBodies({ key, clientIds, aud, scope, count });
    this.next = 0;
    this.inline = 0;
    this.exhaustedAt = undefined;
    return (performance.now() - t0) / 1000;
  }

  push(bodies) {
    // Drop what was used, keep the rest, append the new bodies.
    this.bodies = this.bodies.slice(this.next).concat(bodies);
    this.next = 0;
  }

  get remaining() {
    return this.bodies.length - this.next;
  }

  take() {
    // Servers that do not check replay (the floor baseline) may get the same assertions again.
    if (this.spec.reuse && this.bodies.length) return this.bodies[this.next++ % this.bodies.length];
    if (this.next < this.bodies.length) return this.bodies[this.next++];
    if (this.exhaustedAt === undefined) this.exhaustedAt = performance.now();
    this.inline += 1;
    const ids = this.spec.clientIds;
    const clientId = ids[this.cursor++ % ids.length];
    return assertionBody(this.sign(clientId, this.spec.aud), this.spec.scope);
  }
}

/** A thread that keeps signing chunks of bodies while the pool is below `low` (soak runs). */
function startRefill(pool, low, chunk) {
  const worker = new Worker(new URL('./refill-thread.mjs', import.meta.url), {
    workerData: { ...pool.spec, chunk },
  });
  let waiting = false;
  const ask = () => {
    if (!waiting && pool.remaining < low) {
      waiting = true;
      worker.postMessage('more');
    }
  };
  worker.on('message', (bodies) => {
    waiting = false;
    pool.push(bodies);
    ask();
  });
  const timer = setInterval(ask, 200);
  ask();
  return () => {
    clearInterval(timer);
    return worker.terminate();
  };
}

function expectation(spec) {
  const { bodyIncludes } = spec.expect ?? {};
  return (body) => (bodyIncludes ? String(body).includes(bodyIncludes) : true);
}

function autocannonOnce(spec, { duration, overallRate, pool, onTick }) {
  const errorSamples = [];
  const request = {
    method: spec.request.method ?? 'GET',
    path: spec.request.path,
    headers: spec.request.headers ?? {},
    ...(spec.request.body !== undefined ? { body: spec.request.body } : {}),
    onResponse: (status, body) => {
      if ((status < 200 || status >= 300) && errorSamples.length < MAX_ERROR_SAMPLES) {
        errorSamples.push(`${status} ${String(body).slice(0, 300)}`);
      }
    },
  };
  if (pool) {
    request.setupRequest = (req) => {
      req.body = pool.take();
      return req;
    };
  }
  const options = {
    url: spec.url,
    connections: spec.connections,
    duration,
    requests: [request],
    verifyBody: expectation(spec),
    timeout: 10,
    ...(overallRate ? { overallRate } : {}),
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) => {
      if (err) reject(err);
      else resolve({ result, errorSamples });
    });
    if (onTick) instance.on('tick', onTick);
  });
}

function summarise(result, errorSamples) {
  const duration = result.duration || 1;
  const ok = result['2xx'] ?? 0;
  const errors = result.non2xx + result.errors + result.timeouts;
  const total = ok + result.non2xx + result.errors + result.timeouts;
  return {
    durationS: round(duration, 2),
    total,
    ok,
    rps: round(total / duration, 1),
    okRps: round(ok / duration, 1),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: round(result.latency.mean, 2),
    },
    non2xx: result.non2xx,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    errorCount: errors + result.mismatches,
    errorRate: total ? round((errors + result.mismatches) / total, 4) : 1,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]),
    ),
    errorSamples,
  };
}

async function runAutocannon(spec) {
  const out = { name: spec.name };
  let pool;
  if (spec.assertions) {
    pool = new AssertionPool(spec.assertions);
  }
  // Warm-up: JIT, connection pools, caches; its rate sizes the pre-signed pool of the real run.
  let estimate;
  if (spec.warmup > 0) {
    if (pool) out.presignWarmupS = round(await pool.fill(spec.assertions.warmupPool ?? 3000), 2);
    const t0 = performance.now();
    const perSecond = [];
    const { result } = await autocannonOnce(spec, {
      duration: spec.warmup,
      overallRate: spec.overallRate,
      pool,
      onTick: (c) => perSecond.push(c.counter),
    });
    const elapsed = (performance.now() - t0) / 1000;
    // The best second of the warm-up (the server speeds up as it warms), or the average.
    estimate = Math.max(
      result.requests.total / Math.max(0.1, result.duration || elapsed),
      ...perSecond,
    );
    if (pool && pool.exhaustedAt !== undefined) {
      // The pool ran dry: the rate before that moment is the better estimate.
      estimate = Math.max(
        estimate,
        pool.bodies.length / Math.max(0.1, (pool.exhaustedAt - t0) / 1000),
      );
    }
    out.warmupRps = round(estimate, 1);
  }
  let stopRefill;
  if (pool) {
    const streaming = spec.streaming ?? spec.duration > STREAMING_THRESHOLD_S;
    const rate = spec.overallRate ?? estimate ?? spec.assertions.rateHint ?? 2000;
    // Closed loop: the rate may still climb after warm-up, so leave 30 % headroom; open loop: 5 %.
    const headroom = spec.overallRate ? 1.05 : 1.3;
    let need = streaming
      ? Math.ceil(rate * 30)
      : Math.ceil(rate * headroom * spec.duration) + spec.connections * 4;
    if (spec.assertions.reuse) need = Math.min(need, 2000);
    out.presignCount = need;
    out.presignS = round(await pool.fill(need), 2);
    if (streaming) stopRefill = startRefill(pool, Math.ceil(rate * 20), Math.ceil(rate * 5));
  }
  const ticks = [];
  const cpu = spec.watchPid ? cpuAccount({ server: spec.watchPid, load: process.pid }) : undefined;
  const { result, errorSamples } = await autocannonOnce(spec, {
    duration: spec.duration,
    overallRate: spec.overallRate,
    pool,
    onTick: spec.reportTicks ? (c) => ticks.push(c.counter) : undefined,
  });
  const cpuUse = cpu?.();
  if (stopRefill) await stopRefill();
  Object.assign(out, summarise(result, errorSamples));
  if (cpuUse) {
    // Server CPU time per request: robust against other work on the machine, unlike req/s.
    cpuUse.serverUsPerReq = out.total
      ? round(((cpuUse.serverPct / 100) * out.durationS * 1e6) / out.total, 0)
      : undefined;
    out.cpu = cpuUse;
  }
  if (pool) out.inlineSigned = pool.inline;
  if (spec.reportTicks) out.ticks = ticks;
  return out;
}

async function handle(spec) {
  if (spec.flow) return runFlowLoad(spec);
  return runAutocannon(spec);
}

process.on('message', (msg) => {
  if (msg?.type === 'exit') process.exit(0);
  if (msg?.type !== 'run') return;
  handle(msg.spec).then(
    (result) => process.send({ type: 'result', id: msg.id, result }),
    (err) => process.send({ type: 'result', id: msg.id, error: String(err?.stack ?? err) }),
  );
});
process.send({ type: 'ready' });
