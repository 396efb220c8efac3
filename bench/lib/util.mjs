// Small helpers shared by the benchmark runner, the load process and the bench servers.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resident set size of a process in MiB (from /proc/<pid>/status), or undefined once it is gone. */
export function rssMiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process' RSS every `intervalMs` until stopped; reports max and mean of the window. */
export class RssSampler {
  constructor(pid, intervalMs = 250) {
    this.pid = pid;
    this.intervalMs = intervalMs;
    this.samples = [];
    this.timer = undefined;
  }

  start() {
    this.samples = [];
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  sample() {
    const v = rssMiB(this.pid);
    if (v !== undefined) this.samples.push(v);
    return v;
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    const s = this.samples;
    if (s.length === 0) return { maxMiB: undefined, meanMiB: undefined, lastMiB: undefined };
    return {
      maxMiB: round(Math.max(...s), 1),
      meanMiB: round(s.reduce((a, b) => a + b, 0) / s.length, 1),
      lastMiB: round(s[s.length - 1], 1),
    };
  }
}

export const round = (v, digits = 0) =>
  v === undefined || v === null || Number.isNaN(v) ? v : Number(v.toFixed(digits));

/** `Basic` credentials header. */
export const basic = (id, secret) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** A form POST with fetch; resolves to { status, json, text, headers }. */
export async function postForm(url, form, headers = {}) {
  const res = await globalThis.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return readResponse(res);
}

export async function readResponse(res) {
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Polls `url` until it answers (any status below 500) or `timeoutMs` passes. */
export async function waitForHttp(url, timeoutMs = 60_000, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process died before ${url} answered`);
    try {
      const res = await globalThis.fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
      last = new Error(`${url} answered ${res.status}`);
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${url}: ${last?.message ?? 'no answer'}`);
}

/** Reads a positive number from the environment. */
export function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

export function log(...parts) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`);
}

/** CPU time (seconds) of a process and its threads, from /proc/<pid>/stat; undefined if gone. */
export function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (fields 14 and 15 of proc(5)), in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = 100;

/** Pids of the processes whose command name is `name`. */
export function pidsByName(name) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpuSeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = v;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS };
}

/**
 * Measures where the machine's CPU went between start() and stop(): the server, the load process
 * and everything else (other work on the machine disturbs the figures), as % of one core.
 */
export function cpuAccount(pids) {
  const t0 = performance.now();
  const m0 = machineCpuSeconds();
  const p0 = Object.fromEntries(
    Object.entries(pids).map(([k, pid]) => [k, processCpuSeconds(pid)]),
  );
  // PostgreSQL server processes (the database the product talks to) are accounted as "db".
  const dbPids = pidsByName('postgres');
  const db0 = new Map(dbPids.map((pid) => [pid, processCpuSeconds(pid) ?? 0]));
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const m1 = machineCpuSeconds();
    const out = {};
    let ours = 0;
    for (const [k, pid] of Object.entries(pids)) {
      const used = (processCpuSeconds(pid) ?? p0[k]) - p0[k];
      ours += used;
      out[`${k}Pct`] = round((used / wall) * 100, 0);
    }
    let db = 0;
    for (const [pid, before] of db0) db += Math.max(0, (processCpuSeconds(pid) ?? before) - before);
    ours += db;
    out.dbPct = round((db / wall) * 100, 0);
    const busy = m1.busy - m0.busy;
    out.machineBusyPct = round((busy / (m1.total - m0.total)) * 100, 0);
    out.otherPct = round((Math.max(0, busy - ours) / wall) * 100, 0);
    return out;
  };
}

/**
 * Waits until the machine is quiet (busy CPU below `maxBusyPct` of one core over 1 s windows),
 * at most `maxWaitS` seconds. Resolves to the seconds waited, or -1 if it never got quiet.
 */
export async function waitForQuiet(maxBusyPct = 25, maxWaitS = 20) {
  const t0 = performance.now();
  while ((performance.now() - t0) / 1000 < maxWaitS) {
    const a = machineCpuSeconds();
    await sleep(1000);
    const b = machineCpuSeconds();
    const busyPct = ((b.busy - a.busy) / ((b.total - a.total) / 2)) * 100;
    if (busyPct < maxBusyPct) return round((performance.now() - t0) / 1000 - 1, 0);
  }
  return -1;
}

/**
 * Pins the processes `pids` (all their threads) to the CPUs `cpus` (taskset list syntax, e.g.
 * `0-2`); true when every pin took (taskset is util-linux's, on every Debian).
 */
export function pinProcesses(pids, cpus) {
  return pids.every(
    (pid) =>
      spawnSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' }).status === 0,
  );
}

/** The CPU list of every core of this machine, and of all but the last one. */
export function cpuLists() {
  const last = availableParallelism() - 1;
  return {
    all: `0-${last}`,
    last: String(last),
    rest: last > 1 ? `0-${last - 1}` : last === 1 ? '0' : undefined,
  };
}
