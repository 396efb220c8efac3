import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CDR_BASE_PATH, isLookup, startFakeCdr, type FakeCdr } from './fake-cdr.js';
import { startFakeIssuer, type FakeIssuer } from './fake-issuer.js';
import { AUDIENCE, BASE, startGateway, UPSTREAM_AUTHORIZATION } from './gateway.harness.js';
import { makeSigningKey, signAccessToken, type SigningKey } from './token.factory.js';

const EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const OTHER_EHR = '0a1b2c3d-0000-4000-8000-000000000002';
const VITALS_UID = '8849182c-82ad-4088-a07f-48ead4180515::ehrbase.example::1';
const VITALS_VUID = '8849182c-82ad-4088-a07f-48ead4180515';
const LABS_UID = '5e8a9b1c-1111-4222-8333-944455556666::ehrbase.example::2';
const UNCACHED_LABS_UID = '6f9b0c2d-2222-4333-8444-a55566667777::ehrbase.example::1';
const canonical = (templateId: string) =>
  JSON.stringify({
    _type: 'COMPOSITION',
    name: { value: 'x' },
    archetype_details: { template_id: { value: templateId } },
  });
const TEMPLATE_XML =
  '<template xmlns="http://schemas.openehr.org/v1"><template_id><value>Vitals.v1</value></template_id></template>';

interface Call {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}
const get = (path: string): Call => ({ method: 'get', path });
const del = (path: string): Call => ({ method: 'delete', path });
const json = (
  method: 'post' | 'put',
  path: string,
  body: string,
  headers?: Record<string, string>,
): Call => ({
  method,
  path,
  body,
  contentType: 'application/json',
  headers,
});
const text = (method: 'post' | 'put', path: string, body: string, contentType: string): Call => ({
  method,
  path,
  body,
  contentType,
});

/** [name, scope that allows it, request, token ehrId] */
const ALLOWED: [string, string, Call, string | null][] = [
  [
    'composition.create (canonical JSON)',
    'patient/composition-Vitals.v1.c',
    json('post', `/ehr/${EHR}/composition`, canonical('Vitals.v1')),
    EHR,
  ],
  [
    'composition.create (flat, templateId parameter)',
    'patient/composition-Vitals.v1.c',
    json(
      'post',
      `/ehr/${EHR}/composition?templateId=Vitals.v1&format=FLAT`,
      '{"vitals/ctx/language":"en"}',
    ),
    EHR,
  ],
  [
    'composition.read',
    'patient/composition-Vitals.v1.r',
    get(`/ehr/${EHR}/composition/${VITALS_UID}`),
    EHR,
  ],
  [
    'composition.update',
    'patient/composition-Vitals.v1.u',
    json('put', `/ehr/${EHR}/composition/${VITALS_UID}`, canonical('Vitals.v1')),
    EHR,
  ],
  [
    'composition.delete',
    'patient/composition-Vitals.v1.d',
    del(`/ehr/${EHR}/composition/${VITALS_UID}`),
    EHR,
  ],
  [
    'versioned_composition.read',
    'patient/composition-Vitals.v1.rs',
    get(`/ehr/${EHR}/versioned_composition/${VITALS_VUID}/revision_history`),
    EHR,
  ],
  ['ehr.read', 'patient/composition-Labs.v1.r', get(`/ehr/${EHR}`), EHR],
  [
    'ehr.read by subject',
    'user/composition-*.r',
    get('/ehr?subject_id=123&subject_namespace=hospital'),
    null,
  ],
  [
    'ehr_status.read',
    'patient/composition-*.s',
    get(`/ehr/${EHR}/ehr_status?version_at_time=2024-01-01T00:00:00Z`),
    EHR,
  ],
  ['ehr.create', 'user/composition-*.c', json('post', '/ehr', '{"_type":"EHR_STATUS"}'), null],
  [
    'ehr_status.update',
    'system/composition-*.u',
    json('put', `/ehr/${EHR}/ehr_status`, '{"_type":"EHR_STATUS"}'),
    null,
  ],
  [
    'query.aql (GET)',
    'user/aql-*.s',
    get('/query/aql?q=SELECT%20c%20FROM%20COMPOSITION%20c'),
    null,
  ],
  [
    'query.aql (POST)',
    'system/aql-**.s',
    json('post', '/query/aql', '{"q":"SELECT c FROM COMPOSITION c"}'),
    null,
  ],
  [
    'query.execute',
    'user/aql-org.example::vitals.s',
    json('post', '/query/org.example::vitals/1.0.0', '{"offset":0}'),
    null,
  ],
  [
    'query_definition.read',
    'user/aql-org.example::*.r',
    get('/definition/query/org.example::vitals'),
    null,
  ],
  [
    'query_definition.write',
    'user/aql-org.example::vitals.c',
    text(
      'put',
      '/definition/query/org.example::vitals/1.0.0',
      'SELECT c FROM COMPOSITION c',
      'text/plain',
    ),
    null,
  ],
  ['template.list', 'user/template-*.r', get('/definition/template/adl1.4'), null],
  [
    'template.read (patient scope)',
    'patient/template-Vitals.v1.r',
    get('/definition/template/adl1.4/Vitals.v1'),
    EHR,
  ],
  [
    'template.read (percent-encoded id)',
    'user/template-IDCR%20-%20Vital%20Signs.v1.r',
    get('/definition/template/adl1.4/IDCR%20-%20Vital%20Signs.v1'),
    null,
  ],
  [
    'template.upload',
    'user/template-*.c',
    text('post', '/definition/template/adl1.4', TEMPLATE_XML, 'application/xml'),
    null,
  ],
  [
    'template.delete',
    'system/template-Vitals.v1.d',
    del('/definition/template/adl1.4/Vitals.v1'),
    null,
  ],
];

/** [name, scope that differs in one respect, request, token ehrId] */
const DENIED: [string, string, Call, string | null][] = [
  [
    'composition.create: other template',
    'patient/composition-Labs.v1.c',
    json('post', `/ehr/${EHR}/composition`, canonical('Vitals.v1')),
    EHR,
  ],
  [
    'composition.create: other permission',
    'patient/composition-Vitals.v1.rud',
    json('post', `/ehr/${EHR}/composition`, canonical('Vitals.v1')),
    EHR,
  ],
  [
    'composition.create: other EHR',
    'patient/composition-Vitals.v1.c',
    json('post', `/ehr/${EHR}/composition`, canonical('Vitals.v1')),
    OTHER_EHR,
  ],
  [
    'composition.create: patient scope without ehrId',
    'patient/composition-Vitals.v1.c',
    json('post', `/ehr/${EHR}/composition`, canonical('Vitals.v1')),
    null,
  ],
  [
    'composition.create: header names another template',
    'patient/composition-Vitals.v1.c',
    json('post', `/ehr/${EHR}/composition`, canonical('Labs.v1'), {
      'openEHR-TEMPLATE_ID': 'Vitals.v1',
    }),
    EHR,
  ],
  [
    'composition.create: XML body',
    'patient/composition-Vitals.v1.c',
    text(
      'post',
      `/ehr/${EHR}/composition?templateId=Vitals.v1`,
      '<composition/>',
      'application/xml',
    ),
    EHR,
  ],
  [
    'composition.read: other template',
    'patient/composition-Labs.v1.r',
    get(`/ehr/${EHR}/composition/${VITALS_UID}`),
    EHR,
  ],
  [
    'composition.read: other permission',
    'patient/composition-Vitals.v1.cud',
    get(`/ehr/${EHR}/composition/${VITALS_UID}`),
    EHR,
  ],
  [
    'composition.read: other EHR',
    'patient/composition-Vitals.v1.r',
    get(`/ehr/${EHR}/composition/${VITALS_UID}`),
    OTHER_EHR,
  ],
  [
    'composition.update: other template',
    'patient/composition-Labs.v1.u',
    json('put', `/ehr/${EHR}/composition/${VITALS_UID}`, canonical('Vitals.v1')),
    EHR,
  ],
  [
    'composition.update: other permission',
    'patient/composition-Vitals.v1.c',
    json('put', `/ehr/${EHR}/composition/${VITALS_UID}`, canonical('Vitals.v1')),
    EHR,
  ],
  [
    'composition.update: other EHR',
    'patient/composition-Vitals.v1.u',
    json('put', `/ehr/${EHR}/composition/${VITALS_UID}`, canonical('Vitals.v1')),
    OTHER_EHR,
  ],
  [
    'composition.update: stored under another template',
    'patient/composition-Vitals.v1.u',
    json('put', `/ehr/${EHR}/composition/${LABS_UID}`, canonical('Vitals.v1')),
    EHR,
  ],
  [
    'composition.delete: other template',
    'patient/composition-Labs.v1.d',
    del(`/ehr/${EHR}/composition/${VITALS_UID}`),
    EHR,
  ],
  [
    'composition.delete: other permission',
    'patient/composition-Vitals.v1.cru',
    del(`/ehr/${EHR}/composition/${VITALS_UID}`),
    EHR,
  ],
  [
    'composition.delete: other EHR',
    'patient/composition-Vitals.v1.d',
    del(`/ehr/${EHR}/composition/${VITALS_UID}`),
    OTHER_EHR,
  ],
  [
    'versioned_composition.read: other permission',
    'patient/composition-Vitals.v1.c',
    get(`/ehr/${EHR}/versioned_composition/${VITALS_VUID}`),
    EHR,
  ],
  ['ehr.read: template scopes only', 'patient/template-*.r', get(`/ehr/${EHR}`), EHR],
  ['ehr.read: other EHR', 'patient/composition-*.r', get(`/ehr/${EHR}`), OTHER_EHR],
  [
    'ehr.read by subject: patient compartment',
    'patient/composition-*.r',
    get('/ehr?subject_id=123&subject_namespace=hospital'),
    EHR,
  ],
  [
    'ehr_status.read: other EHR',
    'patient/composition-*.r',
    get(`/ehr/${EHR}/ehr_status`),
    OTHER_EHR,
  ],
  ['ehr.create: patient compartment', 'patient/composition-*.c', json('post', '/ehr', '{}'), EHR],
  [
    'ehr.create: one template only',
    'user/composition-Vitals.v1.c',
    json('post', '/ehr', '{}'),
    null,
  ],
  ['ehr.create: other permission', 'user/composition-*.u', json('post', '/ehr', '{}'), null],
  [
    'ehr_status.update: patient compartment',
    'patient/composition-*.u',
    json('put', `/ehr/${EHR}/ehr_status`, '{}'),
    EHR,
  ],
  [
    'ehr_status.update: other permission',
    'system/composition-*.c',
    json('put', `/ehr/${EHR}/ehr_status`, '{}'),
    null,
  ],
  [
    'query.aql: pattern not matching every query',
    'user/aql-org.example::*.s',
    get('/query/aql?q=x'),
    null,
  ],
  ['query.aql: other permission', 'user/aql-*.r', get('/query/aql?q=x'), null],
  ['query.aql: patient compartment', 'patient/aql-*.s', get(`/query/aql?q=x&ehr_id=${EHR}`), EHR],
  [
    'query.execute: other query',
    'user/aql-org.example::labs.s',
    json('post', '/query/org.example::vitals/1.0.0', '{}'),
    null,
  ],
  [
    'query.execute: other permission',
    'user/aql-org.example::vitals.r',
    json('post', '/query/org.example::vitals/1.0.0', '{}'),
    null,
  ],
  [
    'query_definition.read: other permission',
    'user/aql-org.example::vitals.s',
    get('/definition/query/org.example::vitals'),
    null,
  ],
  [
    'query_definition.write: other permission',
    'user/aql-org.example::vitals.rs',
    text('put', '/definition/query/org.example::vitals/1.0.0', 'SELECT 1', 'text/plain'),
    null,
  ],
  [
    'template.list: one template only',
    'user/template-Vitals.v1.r',
    get('/definition/template/adl1.4'),
    null,
  ],
  [
    'template.read: other template',
    'user/template-Labs.v1.r',
    get('/definition/template/adl1.4/Vitals.v1'),
    null,
  ],
  [
    'template.upload: other permission',
    'user/template-*.r',
    text('post', '/definition/template/adl1.4', TEMPLATE_XML, 'application/xml'),
    null,
  ],
  [
    'template.delete: other permission',
    'user/template-Vitals.v1.r',
    del('/definition/template/adl1.4/Vitals.v1'),
    null,
  ],
  ['template.read: FHIR scope', 'user/*.cruds', get('/definition/template/adl1.4/Vitals.v1'), null],
  ['unknown operation (directory)', 'user/composition-*.cruds', get(`/ehr/${EHR}/directory`), null],
  [
    'unknown operation (encoded slash)',
    'user/composition-*.cruds',
    get(`/ehr/${EHR}%2Fcomposition`),
    null,
  ],
];

describe('OpenEhrGatewayModule: openEHR operations and scopes', () => {
  let issuer: FakeIssuer;
  let cdr: FakeCdr;
  let app: INestApplication;
  let key: SigningKey;

  const token = (scope: string, ehrId: string | null) =>
    signAccessToken(key, scope, {
      issuer: issuer.issuer,
      audience: AUDIENCE,
      claims: { ehrId: ehrId ?? undefined },
    });

  async function send(call: Call, scope: string, ehrId: string | null) {
    let req = request(app.getHttpServer())
      [call.method](`${BASE}${call.path}`)
      .set('authorization', `Bearer ${await token(scope, ehrId)}`);
    for (const [name, value] of Object.entries(call.headers ?? {})) req = req.set(name, value);
    if (call.contentType !== undefined) req = req.set('content-type', call.contentType);
    return call.body === undefined ? req : req.send(call.body);
  }

  beforeAll(async () => {
    [issuer, cdr, key] = await Promise.all([
      startFakeIssuer(),
      startFakeCdr(),
      makeSigningKey('ES256', 'ec-1'),
    ]);
    issuer.keys.push(key.publicJwk);
    cdr.compositions
      .set(VITALS_UID, 'Vitals.v1')
      .set(VITALS_VUID, 'Vitals.v1')
      .set(LABS_UID, 'Labs.v1')
      .set(UNCACHED_LABS_UID, 'Labs.v1');
    app = await startGateway(issuer, { upstreamUrl: cdr.url });
  });
  beforeEach(() => {
    cdr.requests.length = 0;
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([cdr.close(), issuer.close()]);
  });

  it.each(ALLOWED)('%s is forwarded with %s', async (_name, scope, call, ehrId) => {
    const response = await send(call, scope, ehrId);

    expect(response.status).toBeLessThan(300);
    const forwarded = cdr.requests.filter((r) => !isLookup(r));
    expect(forwarded).toHaveLength(1);
    const [upstream] = forwarded;
    expect(upstream?.method).toBe(call.method.toUpperCase());
    expect(upstream?.url).toBe(`${CDR_BASE_PATH}${call.path}`);
    expect(upstream?.headers.authorization).toBe(UPSTREAM_AUTHORIZATION);
    if (call.contentType !== undefined)
      expect(upstream?.headers['content-type']).toContain(call.contentType);
    if (call.body !== undefined && call.contentType === 'application/json') {
      expect(JSON.parse(upstream?.body.toString() ?? '')).toEqual(JSON.parse(call.body));
    } else {
      expect(upstream?.body.toString()).toBe(call.body ?? '');
    }
  });

  it.each(DENIED)(
    '%s is refused 403 without reaching the CDR (%s)',
    async (_name, scope, call, ehrId) => {
      const response = await send(call, scope, ehrId);

      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ error: 'insufficient_scope' });
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer realm="openehr", error="insufficient_scope", error_description="[^"]+"/,
      );
      expect(cdr.requests.filter((r) => !isLookup(r))).toEqual([]);
    },
  );

  it('names the scopes that would have allowed the request', async () => {
    const response = await send(
      get('/definition/template/adl1.4/Vitals.v1'),
      'user/template-Labs.v1.r',
      null,
    );

    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="openehr", error="insufficient_scope", error_description="the access token does not grant the scope this request needs", scope="user/template-Vitals.v1.r system/template-Vitals.v1.r"',
    );
  });

  it('looks up the stored template only when a template-specific scope can decide', async () => {
    await send(get(`/ehr/${EHR}/composition/${VITALS_UID}`), 'patient/composition-*.r', EHR);
    await send(get(`/ehr/${EHR}/composition/${VITALS_UID}`), 'patient/composition-*.c', EHR);
    expect(cdr.requests.filter(isLookup)).toEqual([]);

    const allowed = await send(
      get(`/ehr/${EHR}/composition/${UNCACHED_LABS_UID}`),
      'patient/composition-Labs.v1.r',
      EHR,
    );
    await send(
      get(`/ehr/${EHR}/composition/${UNCACHED_LABS_UID}`),
      'patient/composition-Labs.v1.r',
      EHR,
    );
    expect(allowed.status).toBe(200);
    const lookups = cdr.requests.filter(isLookup);
    expect(lookups.map((r) => r.url)).toEqual([
      `${CDR_BASE_PATH}/ehr/${EHR}/composition/${encodeURIComponent(UNCACHED_LABS_UID)}`,
    ]);
    expect(lookups[0]?.headers.authorization).toBe(UPSTREAM_AUTHORIZATION);
  });

  it('passes the CDR answer back, rewriting Location and dropping cookies', async () => {
    const response = await send(json('post', '/ehr', '{}'), 'user/composition-*.c', null);

    expect(response.status).toBe(201);
    expect(response.headers.location).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+${BASE}/ehr/new-ehr-id$`),
    );
    expect(response.headers.etag).toBe('"new-ehr-id"');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.body).toEqual({ ehr_id: { value: 'new-ehr-id' } });
  });

  it('rewrites Location onto publicBaseUrl when set, whatever Host says', async () => {
    const pinned = await startGateway(issuer, { upstreamUrl: cdr.url, publicBaseUrl: AUDIENCE });
    try {
      const response = await request(pinned.getHttpServer())
        .post(`${BASE}/ehr`)
        .set('host', 'evil.example')
        .set('authorization', `Bearer ${await token('user/composition-*.c', null)}`)
        .set('content-type', 'application/json')
        .send('{}');
      expect(response.status).toBe(201);
      expect(response.headers.location).toBe(`${AUDIENCE}/ehr/new-ehr-id`);
    } finally {
      await pinned.close();
    }
  });

  it('drops the app credentials, cookies, hop-by-hop and method-override headers', async () => {
    const response = await request(app.getHttpServer())
      .get(`${BASE}/definition/template/adl1.4/Vitals.v1`)
      .set('authorization', `Bearer ${await token('user/template-*.r', null)}`)
      .set('cookie', 'session=secret')
      .set('connection', 'keep-alive, x-hop')
      .set('x-hop', 'hop')
      .set('x-http-method-override', 'DELETE')
      .set('accept', 'application/xml')
      .set('openEHR-VERSION', '1');

    expect(response.status).toBe(200);
    const headers = cdr.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe(UPSTREAM_AUTHORIZATION);
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-hop']).toBeUndefined();
    expect(headers['x-http-method-override']).toBeUndefined();
    expect(headers.accept).toBe('application/xml');
    expect(headers['openehr-version']).toBe('1');
  });
});
