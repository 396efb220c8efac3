import type { DataSource } from 'typeorm';
import { smartTablesOf } from '../persistence/smart-tables.js';
import {
  BoundedWindows,
  type LocalWindow,
  type RateLimitCount,
  type RateLimitStore,
} from './rate-limit.store.js';

/** What this instance knows of a key: the last count the database returned, plus its own hits since. */
interface SharedWindow extends LocalWindow {
  /** The count the database last returned (every instance's hits up to then). */
  synced: number;
  /** This instance's hits not written yet. */
  pending: number;
}

interface UpsertRow {
  key: string;
  delta: number;
  resetAt: number;
}

/** Largest batch per statement (3 parameters a row; well under every driver's limit). */
const BATCH = 300;

/**
 * Counters shared by every instance through the `rate_limit` table (PostgreSQL, or SQLite >= 3.35).
 *
 * Hot path: a hit is counted in memory. Every `syncIntervalMs` each instance adds its pending
 * hits to the table in one atomic upsert per batch and learns the shared counts. Once a key's
 * count reaches `exactFraction` of its limit, each further hit is an immediate atomic upsert, so
 * the decision near the limit is exact across instances. Trade-off: below that fraction a key
 * can gain up to (instances - 1) x (hits per sync interval) unseen by this instance; with N
 * instances and a fraction f, overshoot beyond the limit needs N x f > 1 within one interval.
 * On a database error the store decides on its local count (fails open) and retries the write.
 */
export class DatabaseRateLimitStore implements RateLimitStore {
  private readonly windows: BoundedWindows<SharedWindow>;
  private readonly dirty = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly placeholder: (n: number) => string;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: { syncIntervalMs: number; exactFraction: number },
    private readonly onError: (err: unknown) => void = () => undefined,
    maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new BoundedWindows(maxKeys);
    this.placeholder = dataSource.options.type === 'postgres' ? (n) => `$${n}` : () => '?';
    this.timer = setInterval(() => void this.flush(), settings.syncIntervalMs);
    this.timer.unref();
  }

  async hit(key: string, windowMs: number, limit: number): Promise<RateLimitCount> {
    const now = this.now();
    const w = this.windows.open(key, now, () => ({
      resetAt: now + windowMs,
      count: 0,
      synced: 0,
      pending: 0,
    }));
    const estimate = w.synced + w.pending + 1;
    if (limit > 0 && estimate >= limit * this.settings.exactFraction) {
      return this.exact(key, w, now);
    }
    w.pending += 1;
    w.count = estimate;
    this.dirty.add(key);
    return { count: estimate, resetAt: w.resetAt };
  }

  peek(key: string): RateLimitCount | undefined {
    const w = this.windows.get(key, this.now());
    return w && { count: w.synced + w.pending, resetAt: w.resetAt };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
    this.dirty.delete(key);
    await this.dataSource.query(`DELETE FROM ${this.table} WHERE "key" = ${this.placeholder(1)}`, [
      key,
    ]);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** The `rate_limit` table in the data source's prefix. */
  private get table(): string {
    return smartTablesOf(this.dataSource).rateLimit;
  }

  /** Writes every pending count; one flush at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.flushPending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async exact(key: string, w: SharedWindow, now: number): Promise<RateLimitCount> {
    const delta = w.pending + 1;
    w.pending = 0;
    this.dirty.delete(key);
    try {
      const [row] = await this.upsert([{ key, delta, resetAt: w.resetAt }], now);
      this.adopt(w, row);
      // This hit's own place in the window is what the atomic statement answered (the shared
      // window may already hold a later answer from a concurrent hit).
      return { count: row.count, resetAt: row.resetAt };
    } catch (err) {
      this.onError(err);
      w.pending += delta;
      this.dirty.add(key);
      return { count: w.synced + w.pending, resetAt: w.resetAt };
    }
  }

  private async flushPending(): Promise<void> {
    const now = this.now();
    const rows: UpsertRow[] = [];
    const sent = new Map<string, { w: SharedWindow; delta: number }>();
    for (const key of this.dirty) {
      const w = this.windows.get(key, now);
      if (w && w.pending > 0) {
        rows.push({ key, delta: w.pending, resetAt: w.resetAt });
        sent.set(key, { w, delta: w.pending });
        w.pending = 0;
      }
    }
    this.dirty.clear();
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      try {
        for (const row of await this.upsert(batch, now)) {
          const entry = sent.get(row.key);
          if (entry) this.adopt(entry.w, row);
        }
      } catch (err) {
        this.onError(err);
        for (const { key } of batch) {
          const entry = sent.get(key)!;
          entry.w.pending += entry.delta;
          this.dirty.add(key);
        }
      }
    }
  }

  /** Takes the database's view of the window (it may have started on another instance). */
  private adopt(w: SharedWindow, row: { count: number; resetAt: number }): void {
    if (row.resetAt !== w.resetAt) {
      w.resetAt = row.resetAt;
      w.synced = row.count;
    } else {
      w.synced = Math.max(w.synced, row.count);
    }
    w.count = w.synced + w.pending;
  }

  /**
   * One atomic statement: adds each delta to its key, or starts a new window when the stored one
   * has ended. `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` (PostgreSQL; SQLite >= 3.35).
   */
  private async upsert(
    rows: UpsertRow[],
    now: number,
  ): Promise<{ key: string; count: number; resetAt: number }[]> {
    // Placeholders in textual order: PostgreSQL numbers them, SQLite binds "?" by position.
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return this.placeholder(params.length);
    };
    const values = rows.map((row) => `(${p(row.key)}, ${p(row.delta)}, ${p(row.resetAt)})`);
    const table = this.table;
    const countExpired = `${table}.reset_at <= ${p(now)}`;
    const resetExpired = `${table}.reset_at <= ${p(now)}`;
    const result: unknown = await this.dataSource.query(
      `INSERT INTO ${table} ("key", "count", reset_at) VALUES ${values.join(', ')}
       ON CONFLICT ("key") DO UPDATE SET
         "count" = CASE WHEN ${countExpired} THEN excluded."count" ELSE ${table}."count" + excluded."count" END,
         reset_at = CASE WHEN ${resetExpired} THEN excluded.reset_at ELSE ${table}.reset_at END
       RETURNING "key", "count", reset_at`,
      params,
    );
    // TypeORM returns the rows (PostgreSQL) or the rows directly (better-sqlite3 with RETURNING).
    const list = (Array.isArray(result) ? result : []) as Record<string, unknown>[];
    return list.map((r) => ({
      key: String(r.key),
      count: Number(r.count),
      resetAt: Number(r.reset_at),
    }));
  }
}
