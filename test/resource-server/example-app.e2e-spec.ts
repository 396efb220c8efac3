import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { EHR_API_BASE_PATH } from '../../libs/resource-server/example/ehr-api.controller.js';
import { EhrApiModule } from '../../libs/resource-server/example/ehr-api.module.js';
import { startFakeIssuer, type FakeIssuer } from './fake-issuer.js';
import { makeSigningKey, signAccessToken, type SigningKey } from './token.factory.js';

const AUDIENCE = 'https://ehr.example.org/openehr/rest/v1';
const EHR = 'b1d7a2c4-0000-4000-8000-00000000000a';
const OTHER_EHR = 'b1d7a2c4-0000-4000-8000-00000000000b';
const vitals = { _type: 'COMPOSITION', archetype_details: { template_id: { value: 'Vitals.v1' } } };

describe('example platform (libs/resource-server/example) using SmartResourceServerModule', () => {
  let issuer: FakeIssuer;
  let key: SigningKey;
  let app: INestApplication;

  const bearer = async (scope: string, ehrId: string | undefined = EHR) =>
    `Bearer ${await signAccessToken(key, scope, { issuer: issuer.issuer, audience: AUDIENCE, claims: { ehrId } })}`;
  const http = () => request(app.getHttpServer());

  async function createVitals(): Promise<string> {
    const response = await http()
      .post(`${EHR_API_BASE_PATH}/ehr/${EHR}/composition`)
      .set('authorization', await bearer('patient/composition-Vitals.v1.cr'))
      .send(vitals);
    expect(response.status).toBe(201);
    return response.body.uid.value as string;
  }

  beforeAll(async () => {
    [issuer, key] = await Promise.all([startFakeIssuer(), makeSigningKey('ES256', 'ec-1')]);
    issuer.keys.push(key.publicJwk);
    const moduleRef = await Test.createTestingModule({
      imports: [
        EhrApiModule.register({
          issuer: issuer.issuer,
          audience: AUDIENCE,
          jwksUri: `${issuer.issuer}/jwks`,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await issuer.close();
  });

  it('creates and reads a composition with template-specific patient scopes', async () => {
    const uid = await createVitals();
    const read = await http()
      .get(`${EHR_API_BASE_PATH}/ehr/${EHR}/composition/${encodeURIComponent(uid)}`)
      .set('authorization', await bearer('patient/composition-Vitals.v1.r'));

    expect(read.status).toBe(200);
    expect(read.body).toEqual(vitals);
    expect(issuer.counts.discovery).toBe(0);
  });

  it('refuses a read when the stored template is not granted (resolved through the port)', async () => {
    const uid = await createVitals();
    const response = await http()
      .get(`${EHR_API_BASE_PATH}/ehr/${EHR}/composition/${encodeURIComponent(uid)}`)
      .set('authorization', await bearer('patient/composition-Labs.v1.r'));

    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toContain(
      'scope="patient/composition-Vitals.v1.r user/composition-Vitals.v1.r system/composition-Vitals.v1.r"',
    );
  });

  it('refuses a patient token on another EHR, and a delete without d', async () => {
    const uid = await createVitals();
    const otherEhr = await http()
      .get(`${EHR_API_BASE_PATH}/ehr/${EHR}`)
      .set('authorization', await bearer('patient/composition-*.r', OTHER_EHR));
    const deletion = await http()
      .delete(`${EHR_API_BASE_PATH}/ehr/${EHR}/composition/${encodeURIComponent(uid)}`)
      .set('authorization', await bearer('patient/composition-Vitals.v1.cru'));
    const allowedDeletion = await http()
      .delete(`${EHR_API_BASE_PATH}/ehr/${EHR}/composition/${encodeURIComponent(uid)}`)
      .set('authorization', await bearer('user/composition-Vitals.v1.d'));

    expect([otherEhr.status, deletion.status, allowedDeletion.status]).toEqual([403, 403, 204]);
  });

  it('hands the token context to the handler', async () => {
    const response = await http()
      .get(`${EHR_API_BASE_PATH}/ehr/${EHR}`)
      .set('authorization', await bearer('patient/composition-Vitals.v1.r'));
    expect(response.body).toEqual({
      ehr_id: { value: EHR },
      requested_by: 'user-1',
      client_id: 'app-1',
    });
  });

  it('protects a custom route declared with @RequireOpenEhr', async () => {
    await createVitals();
    const path = `/apps/summary/ehr/${EHR}/latest/Vitals.v1`;
    const allowed = await http()
      .get(path)
      .set('authorization', await bearer('patient/composition-Vitals.v1.r'));
    const otherTemplate = await http()
      .get(path)
      .set('authorization', await bearer('patient/composition-Labs.v1.r'));
    const otherEhr = await http()
      .get(path)
      .set('authorization', await bearer('patient/composition-Vitals.v1.r', OTHER_EHR));
    const none = await http().get(path);

    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ template_id: 'Vitals.v1', token_ehr_id: EHR });
    expect([otherTemplate.status, otherEhr.status, none.status]).toEqual([403, 403, 401]);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="openehr"');
  });
});
