import type {
  RateLimitCounter,
  RateLimitIncrement,
  RateLimitRepository,
} from '../persistence/repositories/rate-limit.repository.js';
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
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly counters: RateLimitRepository,
    private readonly settings: { syncIntervalMs: number; exactFraction: number },
    private readonly onError: (err: unknown) => void = () => undefined,
    maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new BoundedWindows(maxKeys);
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
    await this.counters.reset(key);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
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
      const [row] = await this.counters.increment([{ key, delta, resetAt: w.resetAt }], now);
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
    const rows: RateLimitIncrement[] = [];
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
        for (const row of await this.counters.increment(batch, now)) {
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
  private adopt(w: SharedWindow, row: RateLimitCounter): void {
    if (row.resetAt !== w.resetAt) {
      w.resetAt = row.resetAt;
      w.synced = row.count;
    } else {
      w.synced = Math.max(w.synced, row.count);
    }
    w.count = w.synced + w.pending;
  }
}
