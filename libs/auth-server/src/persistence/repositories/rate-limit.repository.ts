import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { smartTablesOf } from '../smart-table.names.js';

/** Hits to add to a key's counter; `resetAt` starts a new window when the stored one ended. */
export interface RateLimitIncrement {
  key: string;
  delta: number;
  /** Epoch milliseconds. */
  resetAt: number;
}

/** A counter as the database holds it after an increment. */
export interface RateLimitCounter {
  key: string;
  count: number;
  /** Epoch milliseconds. */
  resetAt: number;
}

/** The rate-limit counters shared by every instance (table `rate_limit`). */
@Injectable()
export class RateLimitRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether the database is PostgreSQL (where `store: 'auto'` shares the counters). */
  get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  private placeholder(n: number): string {
    return this.postgres ? `$${n}` : '?';
  }

  /** The `rate_limit` table in the data source's prefix. */
  private get table(): string {
    return smartTablesOf(this.dataSource).rateLimit;
  }

  async reset(key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.table} WHERE "key" = ${this.placeholder(1)}`, [
      key,
    ]);
  }

  /**
   * One atomic statement: adds each delta to its key, or starts a new window when the stored one
   * has ended at `now`. `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` (PostgreSQL; SQLite >= 3.35).
   */
  async increment(rows: readonly RateLimitIncrement[], now: number): Promise<RateLimitCounter[]> {
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
