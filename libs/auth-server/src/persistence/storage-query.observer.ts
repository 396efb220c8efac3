import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntitySubscriberInterface } from 'typeorm';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import { QUERY_OPERATIONS, type QueryOperation } from '../metrics/metric-label.types.js';
import { failSpan, SpanKind, tracer } from '../tracing/auth.tracer.js';

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
 * Observes every query on the data source through TypeORM's own query events (a subscriber, no
 * patching): its duration for the metrics, and a client span (`db.system.name`,
 * `db.operation.name`; never the SQL text or its parameters) under the span that issued it. The
 * host's own queries on a shared data source are observed too. TypeORM times queries in whole
 * milliseconds, so a span starts that long before it ends.
 */
@Injectable()
export class StorageQueryObserver implements OnModuleInit, OnModuleDestroy {
  private readonly subscriber: EntitySubscriberInterface = {
    afterQuery: (event) => this.observe(event),
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
  }

  onModuleDestroy(): void {
    const at = this.dataSource.subscribers.indexOf(this.subscriber);
    if (at >= 0) this.dataSource.subscribers.splice(at, 1);
  }

  private observe(event: AfterQueryEvent): void {
    const operation = queryOperationOf(event.query);
    const milliseconds = event.success ? (event.executionTime ?? 0) : undefined;
    this.metrics.storageQuery(operation, milliseconds);
    const end = Date.now();
    const span = tracer.startSpan(operation === 'other' ? 'db' : operation.toUpperCase(), {
      kind: SpanKind.CLIENT,
      startTime: end - (milliseconds ?? 0),
      attributes: { 'db.system.name': this.system, 'db.operation.name': operation },
    });
    if (!event.success) failSpan(span, event.error);
    span.end(end);
  }
}
