/** What happened, for `AuditTrailService.record`. */
export interface AuditEventInput {
  /** Who: a client id (admin API), `registration`, `cli:<user>`, `environment` or `system`. */
  actor: string;
  /** What, as `<subject>.<verb>`: `client.create`, `client.suspend`, `token.refused`... */
  action: string;
  targetType?: string;
  targetId?: string;
  /** State before the change (secrets are stripped before storage). */
  before?: unknown;
  /** State after the change (secrets are stripped before storage). */
  after?: unknown;
  /** Anything else worth keeping: request id, reason, scopes (secrets are stripped). */
  details?: Record<string, unknown>;
}

/** A stored audit event. */
export interface AuditEvent {
  id: string;
  /** Epoch milliseconds. */
  at: number;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** `{ before?, after?, ...details }`, never a secret. */
  details: Record<string, unknown> | null;
}

/** Filters and page of `AuditTrailService.list`. */
export interface AuditQuery {
  limit: number;
  offset: number;
  action?: string;
  targetType?: string;
  targetId?: string;
  actor?: string;
  /** Events at or after this time: epoch milliseconds or an ISO 8601 time (`2026-03-01T00:00Z`). */
  from?: number | string;
  /** Events at or before this time: epoch milliseconds or an ISO 8601 time. */
  to?: number | string;
}

/** Who makes a change, as written to the audit trail (`host` when not given). */
export interface SmartAdminActor {
  actor: string;
  requestId?: string;
}
