import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { reportQuery } from './query.observers.js';

/**
 * Runs the adapter's fixed SQL straight on the driver: what TypeORM's query runner adds is unused
 * (its query events included, so each query is reported to the data source's observers here).
 */
export interface SqlRunner {
  /** The rows a statement returns (`SELECT`, `… RETURNING`); `[]` for one that returns none. */
  rows<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
}

interface PgPool {
  query(config: {
    name: string;
    text: string;
    values: readonly unknown[];
  }): Promise<{ rows: unknown[] }>;
}

interface SqliteStatement {
  readonly reader: boolean;
  all(...params: readonly unknown[]): unknown[];
  run(...params: readonly unknown[]): unknown;
}

interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

/**
 * PostgreSQL: named prepared statements through the pool, so each connection parses and plans
 * a statement once (a statement's name is derived from its text).
 */
function pgRunner(pool: PgPool): SqlRunner {
  const names = new Map<string, string>();
  const nameOf = (sql: string): string => {
    let name = names.get(sql);
    if (name === undefined) {
      name = `smart_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
      names.set(sql, name);
    }
    return name;
  };
  return {
    async rows<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
      const result = await pool.query({ name: nameOf(sql), text: sql, values: params });
      return result.rows as T[];
    },
  };
}

/** better-sqlite3: each statement prepared once per connection (synchronous, like TypeORM's). */
function sqliteRunner(db: SqliteDatabase): SqlRunner {
  const prepared = new Map<string, SqliteStatement>();
  return {
    // async: a driver error (thrown synchronously) becomes a rejection.
    // eslint-disable-next-line @typescript-eslint/require-await
    async rows<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
      let statement = prepared.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        prepared.set(sql, statement);
      }
      if (statement.reader) return statement.all(...params) as T[];
      statement.run(...params);
      return [];
    },
  };
}

const runners = new WeakMap<object, SqlRunner>();

/** A runner that reports each query's time (or failure) to the data source's observers. */
function observed(dataSource: DataSource, runner: SqlRunner): SqlRunner {
  return {
    async rows<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
      const started = performance.now();
      try {
        const rows = await runner.rows<T>(sql, params);
        reportQuery(dataSource, sql, started, performance.now() - started);
        return rows;
      } catch (err) {
        reportQuery(dataSource, sql, started, undefined, err);
        throw err;
      }
    },
  };
}

/**
 * The runner for a data source's current connection (a re-initialised data source gets a new
 * one). The adapter's statements are few and fixed, so per-connection caches stay small.
 */
export function sqlRunnerFor(dataSource: DataSource): SqlRunner {
  const driver = dataSource.driver as unknown as { master?: PgPool; databaseConnection?: object };
  const postgres = dataSource.options.type === 'postgres';
  const connection = postgres ? driver.master : driver.databaseConnection;
  if (connection === undefined) {
    throw new Error('database connection is not open');
  }
  let runner = runners.get(connection);
  if (runner === undefined) {
    const raw = postgres
      ? pgRunner(connection as PgPool)
      : sqliteRunner(connection as SqliteDatabase);
    runner = observed(dataSource, raw);
    runners.set(connection, runner);
  }
  return runner;
}
