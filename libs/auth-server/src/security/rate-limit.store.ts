/** A key's count in its current fixed window. */
export interface RateLimitCount {
  count: number;
  /** Epoch ms when the window ends. */
  resetAt: number;
}

/** Where rate-limit counters live. */
export interface RateLimitStore {
  /** Adds one hit to `key`; returns its count in the current window (opened now if none is). */
  hit(key: string, windowMs: number, limit: number): RateLimitCount | Promise<RateLimitCount>;
  /** The current count of `key` as this instance knows it, without adding; undefined when none. */
  peek(key: string): RateLimitCount | undefined;
  /** Forgets `key` (e.g. an account's failures after a successful login). */
  reset(key: string): void | Promise<void>;
  /** Stops timers and writes what is pending. */
  close(): Promise<void>;
}

/** One key's window in memory. */
export interface LocalWindow {
  resetAt: number;
  count: number;
}

/**
 * Fixed-window counters bounded to `maxKeys` entries. Entries sit in the map in window-start
 * order (an expired window is re-inserted at the end), so eviction drops the oldest first:
 * expired ones, then, under a flood of new keys, the oldest live ones (which then start afresh).
 */
export class BoundedWindows<T extends LocalWindow> {
  private readonly map = new Map<string, T>();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The live window of `key`, or undefined. */
  get(key: string, now: number): T | undefined {
    const w = this.map.get(key);
    return w && w.resetAt > now ? w : undefined;
  }

  /** The live window of `key`, opening one with `create` when there is none. */
  open(key: string, now: number, create: () => T): T {
    const existing = this.map.get(key);
    if (existing && existing.resetAt > now) return existing;
    if (existing) this.map.delete(key);
    else if (this.map.size >= this.maxKeys) this.evict();
    const fresh = create();
    this.map.set(key, fresh);
    return fresh;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  entries(): IterableIterator<[string, T]> {
    return this.map.entries();
  }

  /** Drops the oldest windows (expired ones first in practice) until there is room. */
  private evict(): void {
    for (const key of this.map.keys()) {
      if (this.map.size < this.maxKeys) return;
      this.map.delete(key);
    }
  }
}

/** Counters in this process: exact for one instance, nothing shared. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows: BoundedWindows<LocalWindow>;

  constructor(
    maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new BoundedWindows(maxKeys);
  }

  hit(key: string, windowMs: number): RateLimitCount {
    const now = this.now();
    const w = this.windows.open(key, now, () => ({ count: 0, resetAt: now + windowMs }));
    w.count += 1;
    return { count: w.count, resetAt: w.resetAt };
  }

  peek(key: string): RateLimitCount | undefined {
    const w = this.windows.get(key, this.now());
    return w && { count: w.count, resetAt: w.resetAt };
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
