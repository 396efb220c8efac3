import { createHash } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { RateLimitRepository } from '../persistence/repositories/rate-limit.repository.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { DatabaseRateLimitStore } from './database-rate-limit.store.js';
import { MemoryRateLimitStore, type RateLimitStore } from './rate-limit.store.js';

/** The outcome of counting or checking a key against its limit. */
export interface RateLimitDecision {
  allowed: boolean;
  count: number;
  limit: number;
  /** Seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
}

const ALLOWED: RateLimitDecision = { allowed: true, count: 0, limit: 0, retryAfterSeconds: 0 };
const MAX_ID_LENGTH = 128;

/** `scope:id`, the id hashed when long (keys are stored in a 255-character column). */
export function rateLimitKey(scope: string, id: string): string {
  if (id.length <= MAX_ID_LENGTH) return `${scope}:${id}`;
  return `${scope}:#${createHash('sha256').update(id).digest('base64url')}`;
}

/**
 * Fixed-window rate limiting over the configured store (`rateLimit.store`): in memory for one
 * instance, or the `rate_limit` table shared by every instance (see `DatabaseRateLimitStore`).
 */
@Injectable()
export class RateLimiterService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private store: RateLimitStore = new MemoryRateLimitStore();
  private lastErrorLog = 0;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly counters: RateLimitRepository,
  ) {}

  onModuleInit(): void {
    const { store, syncIntervalMs, exactFraction } = this.options.rateLimit;
    const shared = store === 'database' || (store === 'auto' && this.counters.postgres);
    if (shared) {
      this.store = new DatabaseRateLimitStore(
        this.counters,
        { syncIntervalMs, exactFraction },
        (err) => this.logStoreError(err),
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch((err: unknown) => this.logStoreError(err));
  }

  /** Whether limits apply at all (`rateLimit.enabled`). */
  get enabled(): boolean {
    return this.options.rateLimit.enabled;
  }

  /**
   * Counts one request for `key` and decides against `limit` per window (`windowSeconds`,
   * default `rateLimit.windowSeconds`). A limit of 0, or limits switched off
   * (`rateLimit.enabled`, unless `always`), allows without counting.
   */
  async consume(
    key: string,
    limit: number,
    options: { windowSeconds?: number; always?: boolean } = {},
  ): Promise<RateLimitDecision> {
    if ((!this.enabled && !options.always) || limit <= 0) return ALLOWED;
    const windowSeconds = options.windowSeconds ?? this.options.rateLimit.windowSeconds;
    const { count, resetAt } = await this.store.hit(key, windowSeconds * 1000, limit);
    return decide(count, limit, resetAt, count <= limit);
  }

  /** Whether `key` has already used up `limit` (counts nothing). */
  check(key: string, limit: number, options: { always?: boolean } = {}): RateLimitDecision {
    if ((!this.enabled && !options.always) || limit <= 0) return ALLOWED;
    const known = this.store.peek(key);
    if (!known) return ALLOWED;
    return decide(known.count, limit, known.resetAt, known.count < limit);
  }

  /** Forgets a key (best effort: a storage failure is logged, not thrown). */
  async reset(key: string): Promise<void> {
    try {
      await this.store.reset(key);
    } catch (err) {
      this.logStoreError(err);
    }
  }

  private logStoreError(err: unknown): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 10_000) return;
    this.lastErrorLog = now;
    this.logger.warn(`rate-limit store unavailable, counting locally: ${(err as Error).message}`);
  }
}

function decide(
  count: number,
  limit: number,
  resetAt: number,
  allowed: boolean,
): RateLimitDecision {
  const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  return { allowed, count, limit, retryAfterSeconds };
}
