import type { SecurityEvent, SecurityEventType } from './security-event.types.js';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const EVENT_CODES = 'urn:smart-openehr-auth:security-event';

/** DICOM audit event types (DCM 110100 Application Activity, 110113 Security Alert, 110114 User Authentication). */
const TYPE_OF: Record<SecurityEventType, { code: string; display: string }> = {
  'login.success': { code: '110114', display: 'User Authentication' },
  'login.failure': { code: '110114', display: 'User Authentication' },
  'login.throttled': { code: '110113', display: 'Security Alert' },
  'token.issued': { code: '110114', display: 'User Authentication' },
  'token.refused': { code: '110114', display: 'User Authentication' },
  'client_auth.failure': { code: '110114', display: 'User Authentication' },
  'code.replay': { code: '110113', display: 'Security Alert' },
  'assertion.replay': { code: '110113', display: 'Security Alert' },
  'refresh_token.reuse': { code: '110113', display: 'Security Alert' },
  'rate_limit.exceeded': { code: '110113', display: 'Security Alert' },
  'admin.action': { code: '110100', display: 'Application Activity' },
};

/**
 * The event as a FHIR R4 `AuditEvent` resource: type from DICOM, subtype our event name, the
 * client and the user as agents, the EHR as entity, scopes and request id as entity details.
 * @see https://hl7.org/fhir/R4/auditevent.html
 */
export function toFhirAuditEvent(
  event: SecurityEvent,
  observer: string,
  at = new Date(),
): Record<string, unknown> {
  const type = TYPE_OF[event.type];
  const agent: Record<string, unknown>[] = [];
  if (event.clientId) {
    agent.push({
      type: { text: 'client application' },
      who: { identifier: { system: `${observer}/clients`, value: event.clientId } },
      requestor: !event.userId,
      ...(event.ip ? { network: { address: event.ip, type: '2' } } : {}),
    });
  }
  if (event.userId) {
    agent.push({
      type: { text: 'end user' },
      who: { identifier: { system: `${observer}/users`, value: event.userId } },
      requestor: true,
      ...(event.ip && !event.clientId ? { network: { address: event.ip, type: '2' } } : {}),
    });
  }
  if (agent.length === 0) {
    agent.push({
      type: { text: 'unidentified caller' },
      requestor: true,
      ...(event.ip ? { network: { address: event.ip, type: '2' } } : {}),
    });
  }
  const detail = [
    ...(event.scopes ? [{ type: 'scope', valueString: event.scopes }] : []),
    ...(event.requestId ? [{ type: 'requestId', valueString: event.requestId }] : []),
  ];
  return {
    resourceType: 'AuditEvent',
    type: { system: DCM, code: type.code, display: type.display },
    subtype: [{ system: EVENT_CODES, code: event.type }],
    action: 'E',
    recorded: at.toISOString(),
    outcome: event.outcome === 'success' ? '0' : '4',
    ...(event.reason ? { outcomeDesc: event.reason } : {}),
    agent,
    source: {
      observer: { display: observer },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    ...(event.ehrId || detail.length
      ? {
          entity: [
            {
              ...(event.ehrId
                ? { what: { identifier: { system: 'openehr:ehr_id', value: event.ehrId } } }
                : {}),
              ...(detail.length ? { detail } : {}),
            },
          ],
        }
      : {}),
  };
}
