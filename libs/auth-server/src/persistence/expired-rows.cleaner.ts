import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DataSource, LessThan } from 'typeorm';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import { LaunchContextEntity } from './launch-context.entity.js';
import { guardDb } from './persistence.errors.js';
import { RateLimitEntity } from './rate-limit.entity.js';
import { SigningKeyRepository } from './repositories/signing-key.repository.js';
import { smartTablesOf } from './smart-table.names.js';
import { sqlRunnerFor } from './sql.runner.js';
import { TokenRevocationEntity } from './token-revocation.entity.js';

/**
 * Expired `oidc_payload` rows go in batches of this many, with a turn of the event loop between
 * batches: one `DELETE` of tens of thousands of replay records would block SQLite (and requests)
 * for hundreds of milliseconds.
 */
export const CLEANUP_BATCH_ROWS = 1000;

/** One batch of expired rows of `table` (the `oidc_payload` table in the data source's prefix). */
const deleteExpiredBatch = (postgres: boolean, table: string): string =>
  postgres
    ? `DELETE FROM ${table} WHERE (model, id) IN (SELECT model, id FROM ${table} WHERE expires_at < $1 LIMIT ${CLEANUP_BATCH_ROWS}) RETURNING 1`
    : `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE expires_at < ? LIMIT ${CLEANUP_BATCH_ROWS}) RETURNING 1`;

/**
 * Scheduled job: deletes expired codes, tokens, sessions, replay records, launches, revocations
 * and keys.
 */
@Injectable()
export class ExpiredRowsCleaner implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ExpiredRowsCleaner');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeyRepository,
    private readonly metrics: SmartAuthMetrics,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () =>
        void this.runOnce().catch((err: Error) =>
          this.logger.warn(`cleanup failed: ${err.message}`),
        ),
      this.options.cleanupIntervalSeconds * 1000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes what has expired; returns how many rows went. */
  async runOnce(now = Date.now()): Promise<number> {
    const [payloads, ...results] = await Promise.all([
      this.deleteExpiredPayloads(now),
      this.dataSource.getRepository(LaunchContextEntity).delete({ expiresAt: LessThan(now) }),
      this.dataSource.getRepository(RateLimitEntity).delete({ resetAt: LessThan(now) }),
      this.dataSource.getRepository(TokenRevocationEntity).delete({ expiresAt: LessThan(now) }),
    ]);
    const keys = await this.keys.deleteRetiredBefore(now);
    const deleted = results.reduce((sum, r) => sum + (r.affected ?? 0), payloads + keys);
    this.metrics.cleanedUp(deleted);
    return deleted;
  }

  private async deleteExpiredPayloads(now: number): Promise<number> {
    const sql = deleteExpiredBatch(
      this.dataSource.options.type === 'postgres',
      smartTablesOf(this.dataSource).oidcPayload,
    );
    let total = 0;
    for (;;) {
      const deleted = (await guardDb(() => sqlRunnerFor(this.dataSource).rows(sql, [now]))).length;
      total += deleted;
      if (deleted < CLEANUP_BATCH_ROWS) return total;
      await nextTurn();
    }
  }
}
