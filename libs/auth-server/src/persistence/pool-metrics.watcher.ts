import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';

/** What node-postgres's `Pool` counts (TypeORM's PostgreSQL driver keeps it as `master`). */
interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * Lets the metrics read the PostgreSQL pool at scrape time (`smart_auth_db_pool_clients`);
 * SQLite has no pool. Reads the driver's current pool, so a re-initialised data source is seen.
 */
@Injectable()
export class PoolMetricsWatcher implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: SmartAuthMetrics,
  ) {}

  onModuleInit(): void {
    if (!this.metrics.enabled || this.dataSource.options.type !== 'postgres') return;
    this.metrics.watchPool(() => {
      const pool = (this.dataSource.driver as unknown as { master?: PgPoolCounts }).master;
      if (!pool) return undefined;
      return {
        inUse: pool.totalCount - pool.idleCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
      };
    });
  }
}
