import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { ChangeNoticesService } from '../persistence/change-notices.service.js';
import { RevocationRepository } from '../persistence/repositories/revocation.repository.js';
import { TransactionRunner, type StorageTransaction } from '../persistence/transaction.runner.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { RevocationSet } from './revocation.set.js';
import type { Revocation, StoredRevocation } from '../persistence/records/revocation.record.js';
import { jtiDigest, type RevocableClaims } from './revocation.types.js';
import { REVOCATION_MARGIN_SECONDS } from '../vocabulary/clock-skew.constants.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import type { RevocationCause } from '../metrics/metric-label.types.js';

/**
 * The change-notice channel that announces new revocations (no payload: read from the cursor);
 * in PostgreSQL `<table prefix>smart_token_revoked`.
 */
const TOKEN_REVOCATION_CHANNEL = 'token_revoked';
/** How often the list is re-read without change notices (SQLite, or the listener is down). */
const POLL_MS = 1000;
/** How often it is re-read with change notices (a safety net only). */
const SAFETY_SYNC_MS = 5000;
/** A list not re-read for this long is stale: checks then fail closed. */
const REVOCATION_LIST_MAX_STALENESS_MS = 10_000;
const SYNC_BATCH = 5000;
const PRUNE_EVERY_MS = 60_000;

/**
 * The revocation list (table `token_revocation`) and its copy in memory on every instance, so a
 * resource server in the same process can refuse a revoked access token without a database
 * query per request ({@link RevocationListService.isRevoked}).
 *
 * Every revocation (RFC 7009, a replayed code, a reused refresh token, a user revoking an app,
 * an admin suspending or deleting a client or revoking a user's grants) is written here. The
 * instance that writes it applies it at once; on PostgreSQL the write announces itself with
 * a notice on {@link TOKEN_REVOCATION_CHANNEL} at commit and every instance reads the entries after its cursor
 * (ids only grow, in commit order), so another instance applies it within milliseconds. Without
 * notices (SQLite, a listener reconnecting) the list is re-read every second; with them every
 * 5 s as a safety net. Entries expire with the last token they can concern. The copy is loaded
 * at start; if it could not be re-read for {@link REVOCATION_LIST_MAX_STALENESS_MS},
 * {@link RevocationListService.isCurrent} is false and callers should fail closed.
 * @see https://datatracker.ietf.org/doc/html/rfc7009
 */
@Injectable()
export class RevocationListService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationList');
  private readonly set = new RevocationSet();
  private cursor = 0;
  private syncedAt = 0;
  private prunedAt = 0;
  private syncing: Promise<void> | undefined;
  private again = false;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly store: RevocationRepository,
    private readonly transactions: TransactionRunner,
    private readonly notices: ChangeNoticesService,
    private readonly metrics: SmartAuthMetrics,
  ) {
    notices.subscribe(TOKEN_REVOCATION_CHANNEL, {
      notice: () => void this.syncQuietly(),
      connection: (up) => {
        if (up) void this.syncQuietly();
      },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => this.tick(), POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Whether the access token with these (verified) claims is revoked: its `jti` is listed, or its
   * client or subject was revoked at or after its `iat`. Memory only; see {@link isCurrent}.
   */
  isRevoked(claims: RevocableClaims): boolean {
    return this.set.has(claims);
  }

  /** Whether the copy in memory was re-read within the staleness bound (else: fail closed). */
  isCurrent(now = Date.now()): boolean {
    return now - this.syncedAt < REVOCATION_LIST_MAX_STALENESS_MS;
  }

  /** When the last token issued now can expire, plus the margin: how long a cutoff must live. */
  cutoffExpiry(now = Date.now()): number {
    const ttls = [
      ...Object.values(this.options.accessTokenTtlSeconds),
      this.options.backendAccessTokenTtlSeconds,
    ];
    return now + (Math.max(...ttls) + REVOCATION_MARGIN_SECONDS) * 1000;
  }

  /** Writes revocations (one transaction) and applies them here at once. */
  async revoke(entries: readonly Revocation[], cause: RevocationCause): Promise<void> {
    if (entries.length === 0) return;
    await this.transactions.run((tx) => this.insert(tx, entries));
    this.apply(entries, cause);
  }

  /**
   * Writes revocations inside the caller's transaction (e.g. with a client's suspension); call
   * {@link apply} after it committed.
   */
  async insert(tx: StorageTransaction, entries: readonly Revocation[]): Promise<void> {
    if (entries.length === 0) return;
    await this.store.insert(tx, entries, Date.now());
    await this.notices.notify(tx, TOKEN_REVOCATION_CHANNEL, '');
  }

  /** Applies revocations this instance wrote (and counts them) to the copy in memory. */
  apply(entries: readonly Revocation[], cause: RevocationCause): void {
    this.metrics.revoked(cause, entries.length);
    for (const entry of entries) this.set.add(entry);
  }

  /** Asks the database (authoritative, for introspection): is the token revoked? */
  async isRevokedInStore(claims: RevocableClaims): Promise<boolean> {
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const probe = {
      jtiDigest: typeof claims.jti === 'string' ? jtiDigest(claims.jti) : '',
      clientId: text(claims.client_id),
      subject: text(claims.sub),
      issuedAt: typeof claims.iat === 'number' ? claims.iat : 0,
    };
    return this.store.matches(probe, Date.now());
  }

  /**
   * Unexpired revocations after `cursor`, oldest first, at most `limit`; `cursor` of the answer
   * is where to continue. Ids become visible in commit order, so nothing is skipped.
   */
  async changesSince(
    cursor: number,
    limit: number,
    now = Date.now(),
  ): Promise<{ items: StoredRevocation[]; cursor: number; hasMore: boolean }> {
    const items = await this.store.listAfter(cursor, now, limit);
    return { items, cursor: items.at(-1)?.id ?? cursor, hasMore: items.length === limit };
  }

  /** Re-reads the entries after the cursor (one run at a time; a request meanwhile runs again). */
  sync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = this.readNew().finally(() => {
      this.syncing = undefined;
      if (this.again) {
        this.again = false;
        void this.syncQuietly();
      }
    });
    return this.syncing;
  }

  private async readNew(): Promise<void> {
    const started = Date.now();
    for (;;) {
      const page = await this.changesSince(this.cursor, SYNC_BATCH, started);
      // Written by any instance (counted where written): only copied here.
      for (const entry of page.items) this.set.add(entry);
      this.cursor = page.cursor;
      if (!page.hasMore) break;
    }
    this.syncedAt = started;
    if (started - this.prunedAt >= PRUNE_EVERY_MS) {
      this.set.prune(started);
      this.prunedAt = started;
    }
  }

  private tick(): void {
    const due = this.notices.listening ? SAFETY_SYNC_MS : POLL_MS;
    if (Date.now() - this.syncedAt >= due) void this.syncQuietly();
  }

  private async syncQuietly(): Promise<void> {
    try {
      await this.sync();
      if (this.failing) this.logger.log('revocation list re-read again');
      this.failing = false;
    } catch (err) {
      if (!this.failing)
        this.logger.warn(`revocation list re-read failed: ${(err as Error).message}`);
      this.failing = true;
    }
  }
}
