// SQLite commits with the checkpoints inline (SQLite's automatic checkpoint at 1,000 pages, on the
// committing call) against the auth server's background checkpoints (`sqliteCheckpoints`, a worker
// thread with its own connection, the shipped worker source), alternating, in the same run. Each
// round writes refresh-token-sized rows into the real `oidc_payload` table (the auth server's
// migrations), one commit each, on the main thread, and records how long every commit blocked it.
//
// Usage: npm run bench:sqlite   (node bench/sqlite-checkpoints.mjs after npm run build)
// Environment: BENCH_ROWS (default 20000 per round), BENCH_ROUNDS (default 2 per mode),
// BENCH_DIR (default the OS temp folder: put it on the disk the database will live on).
// Prints one line per round and a summary; the figures that matter are the ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { smartAuthDataSourceOptions } from '@smart-openehr/auth-server';
import { WAL_CHECKPOINT_WORKER_SOURCE } from '../libs/auth-server/dist/persistence/wal-checkpoint.worker.js';
import { envNumber } from './lib/util.mjs';

const rows = envNumber('BENCH_ROWS', 20000);
const rounds = envNumber('BENCH_ROUNDS', 2);
const base = process.env.BENCH_DIR ?? tmpdir();
const payload = JSON.stringify({ kind: 'RefreshToken', scope: 'x'.repeat(700) });
const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');

async function round(mode) {
  const dir = mkdtempSync(join(base, 'smart-wal-bench-'));
  const dataSource = new DataSource(smartAuthDataSourceOptions({ dataDir: dir }));
  await dataSource.initialize();
  const db = dataSource.driver.databaseConnection;
  let worker;
  if (mode === 'background') {
    db.pragma('wal_autocheckpoint = 0');
    worker = new Worker(WAL_CHECKPOINT_WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath, file: db.name, intervalMs: 200 },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const insert = db.prepare(
    'INSERT INTO oidc_payload (model, id, payload, grant_id, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  const blocked = new Float64Array(rows);
  const started = performance.now();
  for (let i = 0; i < rows; i++) {
    const t = performance.now();
    insert.run('RefreshToken', randomBytes(32).toString('base64url'), payload, `g${i}`, 1e13);
    blocked[i] = (performance.now() - t) * 1000;
    // Let the worker run between commits, as requests would.
    if (i % 100 === 99) await nextTurn();
  }
  const wall = performance.now() - started;
  if (worker) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  }
  await dataSource.destroy();
  rmSync(dir, { recursive: true, force: true });
  const sorted = [...blocked].sort((a, b) => a - b);
  const stalls = sorted.filter((us) => us > 2000);
  return {
    mode,
    meanUs: sorted.reduce((a, b) => a + b, 0) / rows,
    p50Us: sorted[Math.floor(rows * 0.5)],
    p99Us: sorted[Math.floor(rows * 0.99)],
    maxUs: sorted[rows - 1],
    stalls: stalls.length,
    stalledMs: stalls.reduce((a, b) => a + b, 0) / 1000,
    wallMs: wall,
  };
}

const results = [];
for (let r = 0; r < rounds; r++) {
  for (const mode of ['inline', 'background']) {
    const result = await round(mode);
    results.push(result);
    console.log(
      `${mode.padEnd(10)} ${rows} commits: mean ${result.meanUs.toFixed(0)} µs, p50 ${result.p50Us.toFixed(0)}, p99 ${result.p99Us.toFixed(0)}, max ${(result.maxUs / 1000).toFixed(1)} ms; ${result.stalls} commits over 2 ms (${result.stalledMs.toFixed(0)} ms in all)`,
    );
  }
}
const mean = (mode, key) => {
  const of = results.filter((r) => r.mode === mode);
  return of.reduce((a, r) => a + r[key], 0) / of.length;
};
const summary = {
  meanCommitRatio: mean('background', 'meanUs') / mean('inline', 'meanUs'),
  maxCommitRatio: mean('background', 'maxUs') / mean('inline', 'maxUs'),
  stallsInline: mean('inline', 'stalls'),
  stallsBackground: mean('background', 'stalls'),
};
console.log(
  `background ÷ inline: mean commit ${summary.meanCommitRatio.toFixed(2)}, longest commit ${summary.maxCommitRatio.toFixed(2)}; commits over 2 ms ${summary.stallsInline} → ${summary.stallsBackground} per ${rows}`,
);
console.log(JSON.stringify({ rows, rounds, results, summary }));
