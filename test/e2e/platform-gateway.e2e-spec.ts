import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import {
  makeKeyClient,
  registerKeyClient,
  tokenWithAssertion,
} from '../support/private-key-client.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { isLookup, startFakeCdr, type FakeCdr } from '../resource-server/fake-cdr.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const OTHER_EHR = '0f6a1c8e-2d3b-4e5f-9a7b-1c2d3e4f5a6b';
const VITALS = 'MyHospital::Vitals.v1';
const composition = (templateId: string) =>
  JSON.stringify({
    _type: 'COMPOSITION',
    archetype_details: { template_id: { value: templateId } },
  });

describe('reference platform: tokens from this server unlock the openEHR gateway', () => {
  let storage: TestStorage;
  let cdr: FakeCdr;
  let t: TestApp;
  let api: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    cdr = await startFakeCdr();
    t = await startTestApp(storage, {
      SMART_OPENEHR_UPSTREAM_URL: cdr.url,
      SMART_OPENEHR_UPSTREAM_AUTHORIZATION: 'Basic Y2RyOmNkcg==',
    });
    api = `${t.url}/openehr/rest/v1`;
  });
  afterAll(async () => {
    await t.close();
    await cdr.close();
    await storage.dispose();
  });

  const forwarded = () => cdr.requests.filter((r) => !isLookup(r));

  it('a backend token with system/composition-<template>.c creates that template, not another', async () => {
    const client = await makeKeyClient('ES384');
    await registerKeyClient(t.app, client, `system/composition-${VITALS}.cr`);
    const res = await tokenWithAssertion(
      `${t.url}/auth/token`,
      await client.assertion(`${t.url}/auth/token`),
      `system/composition-${VITALS}.c`,
    );
    const token = ((await res.json()) as { access_token: string }).access_token;
    const post = (templateId: string) =>
      fetch(`${api}/ehr/${OTHER_EHR}/composition`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: composition(templateId),
      });
    const before = forwarded().length;
    const allowed = await post(VITALS);
    expect(allowed.status).toBe(200);
    const sent = forwarded().at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe('Basic Y2RyOmNkcg==');
    expect(JSON.parse(sent.body.toString())).toMatchObject({
      archetype_details: { template_id: { value: VITALS } },
    });
    const refused = await post('MyHospital::Labs.v1');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
    expect(forwarded().length).toBe(before + 1);
  });

  it("a patient's token reaches their own EHR only", async () => {
    const clientId = await saveClient(t.app, {
      client_name: 'Patient portal',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'launch/patient patient/composition-*.rs',
    });
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch/patient patient/composition-*.rs',
      username: 'patient',
      password: 'patient',
    });
    const token = ((await (await redeem(t.url, clientId, flow)).json()) as { access_token: string })
      .access_token;
    const read = (ehrId: string) =>
      fetch(`${api}/ehr/${ehrId}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await read(PATIENT_EHR)).status).toBe(200);
    const before = forwarded().length;
    expect((await read(OTHER_EHR)).status).toBe(403);
    expect(forwarded().length).toBe(before);
  });

  it('no token → 401 with WWW-Authenticate; the upstream is never called', async () => {
    const before = cdr.requests.length;
    const res = await fetch(`${api}/ehr/${PATIENT_EHR}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(cdr.requests.length).toBe(before);
  });
});
