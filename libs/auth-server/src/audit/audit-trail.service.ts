import { Injectable } from '@nestjs/common';
import {
  AuditEventRepository,
  type AuditEventRecord,
} from '../persistence/repositories/audit-event.repository.js';
import type { StorageTransaction } from '../persistence/transaction.runner.js';
import { parseAuditTime } from './audit-time.parser.js';
import { newAuditEventId } from './audit-event.id.js';
import { redactSecrets } from './audit.redactor.js';
import type { AuditEvent, AuditEventInput, AuditQuery } from './audit.types.js';

/**
 * The audit trail (table `audit_event`): every admin change, registration and, later, security
 * event. Secrets and secret hashes are stripped before anything is stored.
 */
@Injectable()
export class AuditTrailService {
  constructor(private readonly events: AuditEventRepository) {}

  /**
   * Writes one event; pass `tx` to write it in the same transaction as the change it describes.
   * Returns the stored event.
   */
  async record(input: AuditEventInput, tx?: StorageTransaction): Promise<AuditEvent> {
    const at = Date.now();
    const details = redactSecrets({
      ...(input.details ?? {}),
      before: input.before,
      after: input.after,
    }) as Record<string, unknown>;
    const row: AuditEventRecord = {
      id: newAuditEventId(at),
      at,
      actor: input.actor.slice(0, 255),
      action: input.action.slice(0, 64),
      targetType: input.targetType?.slice(0, 64) ?? null,
      targetId: input.targetId?.slice(0, 255) ?? null,
      details: Object.keys(details).length > 0 ? JSON.stringify(details) : null,
    };
    await this.events.insert(row, tx);
    return toAuditEvent(row);
  }

  /** A page of events, newest first, optionally filtered (the time range in the query too). */
  async list(query: AuditQuery): Promise<{ items: AuditEvent[]; total: number }> {
    const filter = {
      action: query.action,
      targetType: query.targetType,
      targetId: query.targetId,
      actor: query.actor,
      from: parseAuditTime('from', query.from),
      to: parseAuditTime('to', query.to),
    };
    const { items, total } = await this.events.page(filter, {
      limit: query.limit,
      offset: query.offset,
    });
    return { items: items.map(toAuditEvent), total };
  }
}

function toAuditEvent(row: AuditEventRecord): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
  };
}
