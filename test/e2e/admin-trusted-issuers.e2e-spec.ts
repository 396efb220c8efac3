import { jest } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { AuditTrailService } from '../../libs/auth-server/src/audit/audit-trail.service.js';
import { makeAdminApi } from '../factories/admin-api.factory.js';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

const ISSUER = 'https://idp.hospital.example';

/** `/admin/trusted-issuers`: the issuers the jwt-bearer grant trusts, over HTTP. */
describe('admin API: trusted issuers', () => {
  let storage: TestStorage;
  let t: TestApp;
  let api: ReturnType<typeof makeAdminApi>;
  let jwk: Record<string, unknown>;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    api = makeAdminApi(t.url, await adminToken(t.url));
    const { publicKey } = await generateKeyPair('ES384');
    jwk = { ...(await exportJWK(publicKey)), alg: 'ES384', kid: 'idp-1' };
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const issuer = (overrides: Record<string, unknown> = {}) => ({
    issuer: ISSUER,
    jwks: { keys: [jwk] },
    allowed_subjects: ['Practitioner/*'],
    allowed_scope: 'user/composition-*.rs',
    ...overrides,
  });

  it('needs an admin bearer token', async () => {
    const res = await makeAdminApi(t.url, undefined).get('/admin/trusted-issuers');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('registers, lists and removes an issuer; removing it twice is 404 not_found', async () => {
    const created = await api.post('/admin/trusted-issuers', issuer());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      issuer: ISSUER,
      allowedSubjects: ['Practitioner/*'],
      allowedScope: 'user/composition-*.rs',
    });
    const listed = await api.get('/admin/trusted-issuers');
    expect(listed.body.items.map((i: { issuer: string }) => i.issuer)).toEqual([ISSUER]);

    const path = `/admin/trusted-issuers?issuer=${encodeURIComponent(ISSUER)}`;
    expect((await api.delete(path)).status).toBe(204);
    const again = await api.delete(path);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ error: 'not_found', error_description: 'no such trusted issuer' });
    expect((await api.get('/admin/trusted-issuers')).body.items).toEqual([]);
  });

  it.each([
    ['both jwks and jwks_uri', { jwks_uri: 'https://idp.hospital.example/jwks' }, 'jwks'],
    ['neither jwks nor jwks_uri', { jwks: undefined }, 'jwks'],
    ['an invalid scope', { allowed_scope: 'user/composition-*.xyz' }, 'allowed_scope'],
  ])('refuses %s as invalid_client_metadata', async (_what, overrides, field) => {
    const res = await api.post('/admin/trusted-issuers', issuer(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
    expect(res.body.error_description).toMatch(new RegExp(`^${field}`));
  });

  it('refuses an issuer that is not a URL as invalid_request, with no stack trace', async () => {
    const res = await api.post('/admin/trusted-issuers', issuer({ issuer: 'not a url' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  const lastAudit = async (action: string) =>
    (await api.get(`/admin/audit?action=${action}&limit=1`)).body.items[0] as {
      details: Record<string, unknown> | null;
    };

  it('audits a save, a removal and a launch with the request id as request_id', async () => {
    expect((await api.post('/admin/trusted-issuers', issuer())).status).toBe(201);
    const path = `/admin/trusted-issuers?issuer=${encodeURIComponent(ISSUER)}`;
    expect((await api.delete(path)).status).toBe(204);
    expect((await api.post('/admin/launches', { ehrId: 'ehr-1' })).status).toBe(201);
    for (const action of ['trusted_issuer.save', 'trusted_issuer.delete', 'launch.create']) {
      const { details } = await lastAudit(action);
      expect({ action, id: typeof details?.request_id }).toEqual({ action, id: 'string' });
      expect(details).not.toHaveProperty('requestId');
    }
  });

  it('saves or removes nothing when the audit row cannot be written (one transaction)', async () => {
    const audit = t.app.get(AuditTrailService);
    const fail = () =>
      jest.spyOn(audit, 'record').mockRejectedValueOnce(new Error('audit table unavailable'));
    fail();
    expect((await api.post('/admin/trusted-issuers', issuer())).status).toBe(500);
    expect((await api.get('/admin/trusted-issuers')).body.items).toEqual([]);

    expect((await api.post('/admin/trusted-issuers', issuer())).status).toBe(201);
    fail();
    const path = `/admin/trusted-issuers?issuer=${encodeURIComponent(ISSUER)}`;
    expect((await api.delete(path)).status).toBe(500);
    const listed = (await api.get('/admin/trusted-issuers')).body.items as { issuer: string }[];
    expect(listed.map((i) => i.issuer)).toEqual([ISSUER]);
    expect((await api.delete(path)).status).toBe(204);
  });
});
