import type { DataSource } from 'typeorm';

/** Told of every query on a data source: when it started, how long it took, or how it failed. */
export interface QueryObserver {
  /** `startedAt` and `milliseconds` on `performance.now()`'s clock; `milliseconds` undefined: failed. */
  observe(sql: string, startedAt: number, milliseconds: number | undefined, error?: unknown): void;
}

const observers = new WeakMap<DataSource, Set<QueryObserver>>();

/** Observes a data source's queries until `unobserve` (one observer per module instance). */
export function observeQueries(dataSource: DataSource, observer: QueryObserver): void {
  let set = observers.get(dataSource);
  if (!set) observers.set(dataSource, (set = new Set()));
  set.add(observer);
}

export function unobserveQueries(dataSource: DataSource, observer: QueryObserver): void {
  observers.get(dataSource)?.delete(observer);
}

/**
 * Reports a query to the data source's observers: called by the SQL run straight on the driver
 * (`sql.runner.ts`); queries through TypeORM reach the observers through its query events.
 */
export function reportQuery(
  dataSource: DataSource,
  sql: string,
  startedAt: number,
  milliseconds: number | undefined,
  error?: unknown,
): void {
  const set = observers.get(dataSource);
  if (set) for (const observer of set) observer.observe(sql, startedAt, milliseconds, error);
}
