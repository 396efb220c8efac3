import { Injectable } from '@nestjs/common';
import {
  Between,
  DataSource,
  LessThanOrEqual,
  MoreThanOrEqual,
  type FindOperator,
  type EntitySubscriberInterface,
  type FindOptionsWhere,
  type InsertEvent,
} from 'typeorm';
import { AuditEventEntity } from '../audit-event.entity.js';
import { guardDb } from '../persistence.errors.js';
import type { StorageTransaction } from '../transaction.runner.js';

/** An audit event as stored (table `audit_event`); `details` is JSON. */
export interface AuditEventRecord {
  id: string;
  /** Epoch milliseconds. */
  at: number;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: string | null;
}

/** Filters of an audit query: exact matches, and a time range (epoch ms, both ends included). */
export interface AuditEventFilter {
  action?: string;
  targetType?: string;
  targetId?: string;
  actor?: string;
  from?: number;
  to?: number;
}

/** `at` within `from`..`to` (either end open when not given). */
function timeRange(from?: number, to?: number): FindOperator<number> | undefined {
  if (from !== undefined && to !== undefined) return Between(from, to);
  if (from !== undefined) return MoreThanOrEqual(from);
  if (to !== undefined) return LessThanOrEqual(to);
  return undefined;
}

/** Told of every audit row inserted through this data source (whatever wrote it). */
export type AuditInsertListener = (row: Partial<AuditEventRecord>) => void;

/** The audit trail's table. */
@Injectable()
export class AuditEventRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts one event; inside `tx` when given (it then commits with the change it describes). */
  async insert(event: AuditEventRecord, tx?: StorageTransaction): Promise<void> {
    await guardDb(() =>
      tx
        ? tx.insert(AuditEventEntity, event)
        : this.dataSource.getRepository(AuditEventEntity).insert(event),
    );
  }

  /** A page of events, newest first. */
  async page(
    filter: AuditEventFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: AuditEventRecord[]; total: number }> {
    const where: FindOptionsWhere<AuditEventEntity> = {};
    if (filter.action) where.action = filter.action;
    if (filter.targetType) where.targetType = filter.targetType;
    if (filter.targetId) where.targetId = filter.targetId;
    if (filter.actor) where.actor = filter.actor;
    const at = timeRange(filter.from, filter.to);
    if (at) where.at = at;
    const [rows, total] = await guardDb(() =>
      this.dataSource.getRepository(AuditEventEntity).findAndCount({
        where,
        order: { at: 'DESC', id: 'DESC' },
        take: page.limit,
        skip: page.offset,
      }),
    );
    return { items: rows.map((row) => ({ ...row, at: Number(row.at) })), total };
  }

  /**
   * Calls `listener` after every insert of an audit row (a TypeORM subscriber: it sees rows other
   * services write in their own transactions too).
   */
  onInsert(listener: AuditInsertListener): void {
    const subscriber: EntitySubscriberInterface<AuditEventEntity> = {
      listenTo: () => AuditEventEntity,
      afterInsert(insert: InsertEvent<AuditEventEntity>): void {
        const row = insert.entity as AuditEventEntity | undefined;
        if (row) listener({ ...row, at: row.at === undefined ? undefined : Number(row.at) });
      },
    };
    this.dataSource.subscribers.push(subscriber);
  }
}
