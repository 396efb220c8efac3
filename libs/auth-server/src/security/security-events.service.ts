import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import {
  AuditEventRepository,
  type AuditEventRecord,
} from '../persistence/repositories/audit-event.repository.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { toFhirAuditEvent } from './fhir-audit-event.builder.js';
import type { SecurityEvent, SecurityEventType } from './security-event.types.js';

/** Audit writes in flight beyond which new ones are dropped (and counted) instead of queued. */
const MAX_PENDING_WRITES = 500;

/** Events written to the audit trail by default (issued tokens only with `auditTokenIssued`). */
const AUDITED = new Set<SecurityEventType>([
  'login.success',
  'login.failure',
  'login.throttled',
  'token.refused',
  'client_auth.failure',
  'code.replay',
  'assertion.replay',
  'refresh_token.reuse',
  'rate_limit.exceeded',
]);

const trim = (v: string | undefined, max: number) =>
  v === undefined ? undefined : v.slice(0, max);

/**
 * Reports security events: one structured log line each (`securityEvent`, plus `fhirAuditEvent`
 * when `securityEvents.fhirAuditEvent`), and an audit-trail row for logins, refusals, replays and
 * rate limiting (issued tokens too with `securityEvents.auditTokenIssued`). Rows are written
 * after the answer, off the request path; a failed write is logged, never thrown. Admin changes
 * are already audit rows (written by the services in `clients/`); each also becomes an `admin.action` line.
 */
@Injectable()
export class SecurityEventsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SecurityEvent');
  private readonly pending = new Set<Promise<void>>();
  private dropped = 0;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly audit: AuditTrailService,
    private readonly auditEvents: AuditEventRepository,
  ) {}

  onModuleInit(): void {
    this.auditEvents.onInsert((row) => this.logAdminAction(row));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Reports one event (never throws, never waits for the database). */
  emit(event: SecurityEvent, options: { audit?: boolean } = {}): void {
    const clean: SecurityEvent = {
      ...event,
      clientId: trim(event.clientId, 255),
      userId: trim(event.userId, 255),
      reason: trim(event.reason, 500),
      scopes: trim(event.scopes, 2000),
    };
    this.log(clean);
    const audit =
      options.audit ??
      (AUDITED.has(event.type) ||
        (event.type === 'token.issued' && this.options.securityEvents.auditTokenIssued));
    if (audit) this.write(clean);
  }

  /** Waits for the audit rows written so far (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private log(event: SecurityEvent): void {
    const line: Record<string, unknown> = {
      msg: `security event ${event.type}`,
      securityEvent: stripUndefined(event),
    };
    if (this.options.securityEvents.fhirAuditEvent) {
      line.fhirAuditEvent = toFhirAuditEvent(event, this.options.issuer);
    }
    if (event.outcome === 'success') this.logger.log(line);
    else this.logger.warn(line);
  }

  private write(event: SecurityEvent): void {
    if (this.pending.size >= MAX_PENDING_WRITES) {
      this.dropped += 1;
      if (this.dropped % 100 === 1) {
        this.logger.warn(`audit trail saturated: ${this.dropped} security events not stored`);
      }
      return;
    }
    const work = this.audit
      .record({
        actor: event.userId ? `user:${event.userId}` : (event.clientId ?? 'anonymous'),
        // No target: `target_id` filters keep showing a client's administrative history.
        action: event.type,
        details: stripUndefined({
          outcome: event.outcome,
          client: event.clientId,
          user: event.userId,
          ehrId: event.ehrId,
          scopes: event.scopes,
          requestId: event.requestId,
          ip: event.ip,
          reason: event.reason,
          ...event.details,
        }),
      })
      .then(
        () => undefined,
        (err: Error) => this.logger.warn(`security event ${event.type} not stored: ${err.message}`),
      );
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Logs every admin change the audit trail records (our own events are logged already). */
  private logAdminAction(row: Partial<AuditEventRecord>): void {
    if (AUDITED.has(row.action as SecurityEventType) || row.action === 'token.issued') {
      return;
    }
    this.log({
      type: 'admin.action',
      outcome: 'success',
      reason: row.action,
      details: {
        actor: row.actor,
        action: row.action,
        targetType: row.targetType,
        targetId: row.targetId,
      },
    });
  }
}

function stripUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}
