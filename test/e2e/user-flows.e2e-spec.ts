import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SECOND_EHR = '0f6a1c8e-2d3b-4e5f-9a7b-1c2d3e4f5a6b';
const APP_SCOPE =
  'launch launch/patient openid fhirUser profile offline_access online_access patient/composition-*.cruds user/composition-*.rs patient/aql-*.rs patient/Observation.rs';

describe('apps with users: authorization code + PKCE, login, picker, consent, launch', () => {
  let storage: TestStorage;
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    clientId = await saveClient(t.app, {
      client_name: 'Heart rate tracker',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: APP_SCOPE,
    });
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const decode = (jwt: string) =>
    JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

  it('standalone launch as a practitioner: login, picker, consent, token with ehrId and patient', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch/patient openid fhirUser patient/composition-*.rs user/composition-*.rs',
      pick: SECOND_EHR,
    });
    expect(flow.pages).toEqual(['login', 'picker', 'consent']);
    expect(flow.callback.searchParams.get('state')).toBe(flow.state);
    expect(flow.callback.searchParams.get('iss')).toBe(t.url);
    const res = await redeem(t.url, clientId, flow);
    const body = (await res.json()) as Record<string, any>;
    expect(res.status).toBe(200);
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(body).toMatchObject({
      ehrId: SECOND_EHR,
      patient: 'pat-002',
      need_patient_banner: true,
      token_type: 'Bearer',
    });
    expect(body.scope.split(' ').sort()).toEqual(
      [
        'fhirUser',
        'launch/patient',
        'openid',
        'patient/composition-*.rs',
        'user/composition-*.rs',
      ].sort(),
    );
    expect(decode(body.access_token)).toMatchObject({
      ehrId: SECOND_EHR,
      patient: 'pat-002',
      fhirUser: 'Practitioner/clinician',
    });
    expect(decode(body.id_token)).toMatchObject({
      fhirUser: 'Practitioner/clinician',
      sub: 'clinician',
    });
  });

  it('standalone launch as a patient: no picker, their own EHR', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch/patient openid patient/composition-*.rs user/composition-*.rs',
      username: 'patient',
      password: 'patient',
    });
    expect(flow.pages).toEqual(['login', 'consent']);
    const body = (await (await redeem(t.url, clientId, flow)).json()) as Record<string, any>;
    expect(body.ehrId).toBe(PATIENT_EHR);
    // A patient user gets no user/ scopes.
    expect(body.scope.split(' ')).not.toContain('user/composition-*.rs');
    expect(body.scope.split(' ')).toContain('patient/composition-*.rs');
  });

  it('a scope unticked on the consent page is not in the token', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch/patient patient/composition-*.rs patient/aql-*.rs',
      username: 'patient',
      password: 'patient',
      untick: ['patient/aql-*.rs'],
    });
    const body = (await (await redeem(t.url, clientId, flow)).json()) as Record<string, any>;
    expect(body.scope.split(' ').sort()).toEqual(['launch/patient', 'patient/composition-*.rs']);
  });

  it('patient/ scopes without an EHR in context are not granted', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'openid patient/composition-*.rs user/composition-*.rs',
    });
    const body = (await (await redeem(t.url, clientId, flow)).json()) as Record<string, any>;
    expect(body.scope.split(' ').sort()).toEqual(['openid', 'user/composition-*.rs']);
    expect(body.ehrId).toBeUndefined();
  });

  it('EHR launch with a launch handle: context from the launcher, single use', async () => {
    const admin = await adminToken(t.url, 'launch:create');
    const created = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ehrId: PATIENT_EHR,
        patient: 'pat-001',
        client_id: clientId,
        encounter: 'enc-9',
        intent: 'reconcile',
      }),
    });
    expect(created.status).toBe(201);
    const { launch, expires_in } = (await created.json()) as { launch: string; expires_in: number };
    expect(expires_in).toBe(300);
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch openid patient/composition-*.rs',
      extra: { launch },
    });
    expect(flow.pages).toEqual(['login', 'consent']);
    const body = (await (await redeem(t.url, clientId, flow)).json()) as Record<string, any>;
    expect(body).toMatchObject({
      ehrId: PATIENT_EHR,
      patient: 'pat-001',
      encounter: 'enc-9',
      intent: 'reconcile',
    });
    expect(body.scope.split(' ')).toContain('launch');
    const again = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch openid',
      extra: { launch },
    });
    expect(again.callback.searchParams.get('error')).toBe('invalid_request');
    expect(again.callback.searchParams.get('code')).toBeNull();
  });

  it('offline_access yields a refresh token (without prompt=consent) that keeps the context, and rotates', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch/patient offline_access patient/composition-*.rs',
      username: 'patient',
      password: 'patient',
    });
    const body = (await (await redeem(t.url, clientId, flow)).json()) as Record<string, any>;
    expect(body.refresh_token).toEqual(expect.any(String));
    const refresh = (rt: string, scope?: string) =>
      fetch(`${t.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: rt,
          client_id: clientId,
          ...(scope ? { scope } : {}),
        }),
      });
    const r1 = await refresh(body.refresh_token, 'patient/composition-*.rs');
    const b1 = (await r1.json()) as Record<string, any>;
    expect(r1.status).toBe(200);
    expect(r1.headers.get('pragma')).toBe('no-cache');
    expect(b1).toMatchObject({
      ehrId: PATIENT_EHR,
      patient: 'pat-001',
      scope: 'patient/composition-*.rs',
    });
    expect(b1.refresh_token).not.toBe(body.refresh_token);
    const wider = await refresh(b1.refresh_token, 'patient/composition-*.cruds');
    expect(await wider.json()).toMatchObject({ error: 'invalid_scope' });
    // Reusing the rotated-away token revokes the whole grant.
    const reuse = await refresh(body.refresh_token);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    const after = await refresh(b1.refresh_token);
    expect(await after.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a public client revokes its refresh token with its client_id alone (RFC 7009)', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch/patient offline_access patient/composition-*.rs',
      username: 'patient',
      password: 'patient',
    });
    const { refresh_token: rt } = (await (await redeem(t.url, clientId, flow)).json()) as {
      refresh_token: string;
    };
    const form = (body: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });
    const revoke = await fetch(`${t.url}/auth/revoke`, form({ token: rt, client_id: clientId }));
    expect(revoke.status).toBe(200);
    const refresh = await fetch(
      `${t.url}/auth/token`,
      form({ grant_type: 'refresh_token', refresh_token: rt, client_id: clientId }),
    );
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a confidential client cannot revoke by client_id alone', async () => {
    const res = await fetch(`${t.url}/auth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'x', client_id: 'test-admin' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });
});
