import { toFhirAuditEvent } from './fhir-audit-event.builder.js';

describe(toFhirAuditEvent.name, () => {
  const at = new Date('2026-01-02T03:04:05.000Z');

  it('maps an issued token: DICOM user authentication, client and user agents, EHR entity', () => {
    const sut = toFhirAuditEvent(
      {
        type: 'token.issued',
        outcome: 'success',
        clientId: 'app-1',
        userId: 'alice',
        ehrId: 'ehr-9',
        scopes: 'patient/composition-*.rs',
        requestId: 'req-1',
        ip: '10.0.0.1',
      },
      'https://auth.example',
      at,
    );
    expect(sut).toMatchObject({
      resourceType: 'AuditEvent',
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114' },
      subtype: [{ code: 'token.issued' }],
      recorded: '2026-01-02T03:04:05.000Z',
      outcome: '0',
      source: { observer: { display: 'https://auth.example' } },
      entity: [
        {
          what: { identifier: { value: 'ehr-9' } },
          detail: [
            { type: 'scope', valueString: 'patient/composition-*.rs' },
            { type: 'requestId', valueString: 'req-1' },
          ],
        },
      ],
    });
    const agents = sut.agent as Record<string, any>[];
    expect(agents.map((a) => [a.who.identifier.value, a.requestor])).toEqual([
      ['app-1', false],
      ['alice', true],
    ]);
    expect(agents[0].network).toEqual({ address: '10.0.0.1', type: '2' });
  });

  it('maps a replay as a failed security alert with its reason, and an anonymous caller', () => {
    const sut = toFhirAuditEvent(
      { type: 'code.replay', outcome: 'failure', reason: 'invalid_grant', ip: '::1' },
      'https://auth.example',
      at,
    );
    expect(sut).toMatchObject({
      type: { code: '110113', display: 'Security Alert' },
      outcome: '4',
      outcomeDesc: 'invalid_grant',
      agent: [{ requestor: true, network: { address: '::1' } }],
    });
    expect(sut.entity).toBeUndefined();
  });
});
