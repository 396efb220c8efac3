import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource, type EntitySubscriberInterface } from 'typeorm';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import { QUERY_OPERATIONS, type QueryOperation } from '../metrics/metric-label.types.js';
import { failSpan, SpanKind, tracer } from '../tracing/auth.tracer.js';
import { observeQueries, unobserveQueries, type QueryObserver } from './query.observers.js';

const OPERATIONS: ReadonlySet<string> = new Set(QUERY_OPERATIONS);
const FIRST_WORD = /^\s*([A-Za-z]+)/;

type AfterQueryEvent = Parameters<NonNullable<EntitySubscriberInterface['afterQuery']>>[0];

/** The statement kind of a query (`START TRANSACTION` counts as `begin`). */
export function queryOperationOf(sql: string): QueryOperation {
  const word = FIRST_WORD.exec(sql)?.[1]?.toLowerCase();
  if (word === 'start') return 'begin';
  return word && OPERATIONS.has(word) ? (word as QueryOperation) : 'other';
}

/**
 * Observes every query on the data source: the ones through TypeORM by its own query events (a
 * subscriber, no patching), the engine adapter's SQL run on the driver through `sql.runner.ts`.
 * Each gives its duration to the metrics and a client span (`db.system.name`,
 * `db.operation.name`; never the SQL text or its parameters) under the span that issued it. The
 * host's own queries on a shared data source are observed too. TypeORM times its queries in whole
 * milliseconds; the driver path to the microsecond.
 */
@Injectable()
export class StorageQueryObserver implements QueryObserver, OnModuleInit, OnModuleDestroy {
  private readonly subscriber: EntitySubscriberInterface = {
    afterQuery: (event) => this.afterTypeOrmQuery(event),
  };
  private readonly system: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: SmartAuthMetrics,
  ) {
    this.system = dataSource.options.type === 'postgres' ? 'postgresql' : 'sqlite';
  }

  onModuleInit(): void {
    this.dataSource.subscribers.push(this.subscriber);
    observeQueries(this.dataSource, this);
  }

  onModuleDestroy(): void {
    unobserveQueries(this.dataSource, this);
    const at = this.dataSource.subscribers.indexOf(this.subscriber);
    if (at >= 0) this.dataSource.subscribers.splice(at, 1);
  }

  observe(sql: string, startedAt: number, milliseconds: number | undefined, error?: unknown): void {
    const operation = queryOperationOf(sql);
    this.metrics.storageQuery(operation, milliseconds);
    const start = performance.timeOrigin + startedAt;
    const span = tracer.startSpan(operation === 'other' ? 'db' : operation.toUpperCase(), {
      kind: SpanKind.CLIENT,
      startTime: start,
      attributes: { 'db.system.name': this.system, 'db.operation.name': operation },
    });
    if (milliseconds === undefined) failSpan(span, error);
    span.end(start + (milliseconds ?? performance.now() - startedAt));
  }

  private afterTypeOrmQuery(event: AfterQueryEvent): void {
    const milliseconds = event.success ? (event.executionTime ?? 0) : undefined;
    this.observe(event.query, performance.now() - (milliseconds ?? 0), milliseconds, event.error);
  }
}
