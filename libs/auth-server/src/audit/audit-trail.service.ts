import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type FindOptionsWhere, type Repository } from 'typeorm';
import { AuditEventEntity } from '../persistence/audit-event.entity.js';
import { guardDb } from '../persistence/persistence.errors.js';
import { newAuditEventId } from './audit-event.id.js';
import { redactSecrets } from './audit-redaction.js';
import type { AuditEvent, AuditEventInput, AuditQuery } from './audit.types.js';

/**
 * The audit trail (table `audit_event`): every admin change, registration and, later, security
 * event. Secrets and secret hashes are stripped before anything is stored.
 */
@Injectable()
export class AuditTrailService {
  private readonly repo: Repository<AuditEventEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(AuditEventEntity);
  }

  /**
   * Writes one event; pass `manager` to write it in the same transaction as the change it
   * describes. Returns the stored event.
   */
  async record(input: AuditEventInput, manager?: EntityManager): Promise<AuditEvent> {
    const at = Date.now();
    const details = redactSecrets({
      ...(input.details ?? {}),
      before: input.before,
      after: input.after,
    }) as Record<string, unknown>;
    const row: AuditEventEntity = {
      id: newAuditEventId(at),
      at,
      actor: input.actor.slice(0, 255),
      action: input.action.slice(0, 64),
      targetType: input.targetType?.slice(0, 64) ?? null,
      targetId: input.targetId?.slice(0, 255) ?? null,
      details: Object.keys(details).length > 0 ? JSON.stringify(details) : null,
    };
    await guardDb(() => (manager ? manager.insert(AuditEventEntity, row) : this.repo.insert(row)));
    return toAuditEvent(row);
  }

  /** A page of events, newest first, optionally filtered. */
  async list(query: AuditQuery): Promise<{ items: AuditEvent[]; total: number }> {
    const where: FindOptionsWhere<AuditEventEntity> = {};
    if (query.action) where.action = query.action;
    if (query.targetType) where.targetType = query.targetType;
    if (query.targetId) where.targetId = query.targetId;
    if (query.actor) where.actor = query.actor;
    const [rows, total] = await guardDb(() =>
      this.repo.findAndCount({
        where,
        order: { at: 'DESC', id: 'DESC' },
        take: query.limit,
        skip: query.offset,
      }),
    );
    return { items: rows.map(toAuditEvent), total };
  }
}

function toAuditEvent(row: AuditEventEntity): AuditEvent {
  return {
    id: row.id,
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
  };
}
