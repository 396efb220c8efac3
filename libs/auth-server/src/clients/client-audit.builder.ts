import type { AuditEventInput } from '../audit/audit.types.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import type { SmartClient } from './client.types.js';

/** What the audit trail keeps of a client: its state, never a secret or a hash. */
function auditState(client: SmartClient): Record<string, unknown> {
  return {
    status: client.status,
    trusted: client.trusted,
    client_type: client.clientType,
    metadata: client.metadata,
    previous_secret_expires_at: client.previousSecretExpiresAt,
  };
}

/** The audit event of a change to a client (`client.create`, `client.suspend`...). */
export function buildClientAuditEvent(
  action: string,
  by: SmartAdminActor,
  change: { target: SmartClient; before?: SmartClient; after?: SmartClient },
  details: Record<string, unknown> = {},
): AuditEventInput {
  return {
    actor: by.actor,
    action,
    targetType: 'client',
    targetId: change.target.clientId,
    before: change.before && auditState(change.before),
    after: change.after && auditState(change.after),
    details: { ...details, ...(by.requestId ? { request_id: by.requestId } : {}) },
  };
}
