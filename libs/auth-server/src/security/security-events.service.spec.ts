import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AuditTrailService } from '../audit/audit-trail.service.js';
import type { AuditEventInput } from '../audit/audit.types.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { AuditEventEntity } from '../persistence/audit-event.entity.js';
import { AuditEventRepository } from '../persistence/repositories/audit-event.repository.js';
import { SecurityEventsService } from './security-events.service.js';

function setup(events: Partial<ResolvedSmartAuthServerOptions['securityEvents']> = {}) {
  const rows: AuditEventInput[] = [];
  const audit = {
    record: jest.fn((input: AuditEventInput) => {
      rows.push(input);
      return Promise.resolve({} as never);
    }),
  };
  const dataSource = { subscribers: [] as unknown[] };
  const options = {
    issuer: 'https://auth.example',
    securityEvents: { auditTokenIssued: false, fhirAuditEvent: false, ...events },
  } as ResolvedSmartAuthServerOptions;
  const sut = new SecurityEventsService(
    options,
    audit as unknown as AuditTrailService,
    new AuditEventRepository(dataSource as unknown as DataSource),
  );
  sut.onModuleInit();
  return { sut, rows, audit, dataSource };
}

describe(SecurityEventsService.name, () => {
  let log: ReturnType<typeof jest.spyOn>;
  let warn: ReturnType<typeof jest.spyOn>;
  beforeEach(() => {
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs an issued token without an audit row by default', async () => {
    const { sut, rows } = setup();
    sut.emit({ type: 'token.issued', outcome: 'success', clientId: 'app', scopes: 'openid' });
    await sut.flush();
    expect(rows).toEqual([]);
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({
        securityEvent: {
          type: 'token.issued',
          outcome: 'success',
          clientId: 'app',
          scopes: 'openid',
        },
      }),
    );
  });

  it('audits issued tokens when auditTokenIssued is set', async () => {
    const { sut, rows } = setup({ auditTokenIssued: true });
    sut.emit({ type: 'token.issued', outcome: 'success', clientId: 'app', userId: 'alice' });
    await sut.flush();
    expect(rows).toEqual([
      expect.objectContaining({
        actor: 'user:alice',
        action: 'token.issued',
        details: { outcome: 'success', client: 'app', user: 'alice' },
      }),
    ]);
  });

  it('audits refusals and replays, as warnings, with the FHIR AuditEvent when asked', async () => {
    const { sut, rows } = setup({ fhirAuditEvent: true });
    sut.emit({ type: 'code.replay', outcome: 'failure', clientId: 'app', requestId: 'r1' });
    await sut.flush();
    expect(rows[0]).toMatchObject({ actor: 'app', action: 'code.replay' });
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({
        fhirAuditEvent: expect.objectContaining({
          resourceType: 'AuditEvent',
          subtype: [expect.objectContaining({ code: 'code.replay' })],
        }),
      }),
    );
  });

  it('never throws when the audit trail fails, and drops events once saturated', () => {
    const { sut, audit } = setup();
    audit.record.mockImplementation(() => new Promise<never>(() => undefined));
    for (let i = 0; i < 600; i++) sut.emit({ type: 'token.refused', outcome: 'failure' });
    expect(audit.record).toHaveBeenCalledTimes(500);
    audit.record.mockRejectedValue(new Error('down'));
    expect(() => sut.emit({ type: 'login.failure', outcome: 'failure' })).not.toThrow();
  });

  it('logs admin changes the audit trail records (not its own security events)', () => {
    const { dataSource } = setup();
    const subscriber = dataSource.subscribers[0] as {
      listenTo(): unknown;
      afterInsert(e: { entity: Partial<AuditEventEntity> }): void;
    };
    expect(subscriber.listenTo()).toBe(AuditEventEntity);
    subscriber.afterInsert({
      entity: { action: 'client.suspend', actor: 'admin', targetId: 'c1' },
    });
    subscriber.afterInsert({ entity: { action: 'token.refused', actor: 'c2' } });
    const lines = log.mock.calls.map(
      (call: unknown[]) => (call[0] as { securityEvent: unknown }).securityEvent,
    );
    expect(lines).toEqual([
      expect.objectContaining({
        type: 'admin.action',
        details: expect.objectContaining({
          action: 'client.suspend',
          actor: 'admin',
          targetId: 'c1',
        }),
      }),
    ]);
  });
});
