import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import {
  basic,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import { makeKeyClient, tokenWithAssertion } from '../support/private-key-client.js';
import { startFakeCdr, type FakeCdr } from '../resource-server/fake-cdr.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SECRET = 'tracing-client-secret-0123456789';
const SCOPE = 'system/composition-*.rs';
/** A caller's W3C trace context: trace id, parent span id, sampled. */
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const traceOf = (span: ReadableSpan) => span.spanContext().traceId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/**
 * Traces (issue 17 item 2): the packages depend on `@opentelemetry/api` only; with an SDK
 * registered (here the in-memory exporter) a token request is one span tree: the engine's request
 * span, the storage queries under it, the client-key fetch under it; the caller's trace context
 * is continued, and the gateway passes its own to the CDR.
 */
describe('traces: with an OpenTelemetry SDK registered', () => {
  const exporter = new InMemorySpanExporter();
  let storage: TestStorage;
  let cdr: FakeCdr;
  let jwks: Server;
  let jwksBody = '{"keys":[]}';
  let t: TestApp;
  let secretClient: string;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
    );
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(jwksBody);
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    storage = await createTestStorage();
    cdr = await startFakeCdr();
    t = await startTestApp(storage, {
      SMART_OPENEHR_UPSTREAM_URL: cdr.url,
      SMART_FETCH_ALLOW_PRIVATE_HOSTS: 'localhost',
    });
    secretClient = await saveClient(
      t.app,
      {
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        scope: SCOPE,
      },
      { secret: SECRET },
    );
  });
  afterAll(async () => {
    await t.close();
    await cdr.close();
    await new Promise<void>((r) => jwks.close(() => r()));
    await storage.dispose();
    trace.disable();
    propagation.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  const token = (secret = SECRET, headers: Record<string, string> = {}) =>
    postForm(
      `${t.url}/auth/token`,
      { grant_type: 'client_credentials', scope: SCOPE },
      { authorization: basic(secretClient, secret), ...headers },
    );
  const spans = () => exporter.getFinishedSpans();
  const named = (name: string) => spans().filter((s) => s.name === name);
  const childrenOf = (parent: ReadableSpan) => spans().filter((s) => parentOf(s) === idOf(parent));

  it('a token request is one tree: the request span, and the storage queries under it', async () => {
    const res = await token();
    expect(res.status).toBe(200);
    const [request] = named('smart-auth token');
    expect(request).toBeDefined();
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.parentSpanContext).toBeUndefined();
    expect(request.attributes).toMatchObject({
      'smart.endpoint': 'token',
      'http.response.status_code': 200,
      'oauth.grant_type': 'client_credentials',
      'smart.client_type': 'confidential-symmetric',
      'oauth.client_id': secretClient,
    });
    expect(request.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(request.instrumentationScope.name).toBe('@smart-openehr/auth-server');

    const queries = childrenOf(request).filter((s) => s.kind === SpanKind.CLIENT);
    expect(queries.length).toBeGreaterThan(0);
    const system = storage.databaseUrl ? 'postgresql' : 'sqlite';
    for (const query of queries) {
      expect(traceOf(query)).toBe(traceOf(request));
      expect(query.attributes['db.system.name']).toBe(system);
      expect(Object.keys(query.attributes).sort()).toEqual(['db.operation.name', 'db.system.name']);
    }
    expect(queries.map((q) => q.name)).toContain('SELECT');
    // No span of this request outside its tree.
    for (const span of spans()) expect(traceOf(span)).toBe(traceOf(request));
  });

  it("continues the caller's trace (traceparent), and names the error of a refused client", async () => {
    const res = await token('wrong-secret', { traceparent: TRACEPARENT });
    expect(res.status).toBe(401);
    const [request] = named('smart-auth token');
    expect(traceOf(request)).toBe(CALLER_TRACE);
    expect(parentOf(request)).toBe(CALLER_SPAN);
    expect(request.attributes).toMatchObject({
      'http.response.status_code': 401,
      'oauth.error': 'invalid_client',
    });
    expect(request.attributes['oauth.client_id']).toBeUndefined();
    // A refusal is the client's error, not the server's: the span is not marked failed.
    expect(request.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("a private_key_jwt client's key fetch is a client span under the token request", async () => {
    const client = await makeKeyClient('ES384');
    jwksBody = JSON.stringify({ keys: [client.publicJwk] });
    const port = (jwks.address() as AddressInfo).port;
    await saveClient(
      t.app,
      {
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES384',
        grant_types: ['client_credentials'],
        jwks_uri: `http://localhost:${port}/jwks.json`,
        scope: SCOPE,
      },
      { clientId: client.clientId },
    );
    exporter.reset();
    const tokenUrl = `${t.url}/auth/token`;
    expect((await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl))).status).toBe(200);
    const [request] = named('smart-auth token');
    const [fetchSpan] = named('jwks fetch');
    expect(fetchSpan).toBeDefined();
    expect(parentOf(fetchSpan)).toBe(idOf(request));
    expect(fetchSpan.kind).toBe(SpanKind.CLIENT);
    expect(fetchSpan.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': `http://localhost:${port}/jwks.json`,
      'http.response.status_code': 200,
    });
    expect(request.attributes['smart.client_type']).toBe('confidential-asymmetric');
    // The assertion's jti recorded once (the engine adapter's own SQL, run on the driver).
    const inserts = childrenOf(request).filter((s) => s.name === 'INSERT');
    expect(inserts.length).toBeGreaterThanOrEqual(1);
    for (const insert of inserts) {
      const [startS, startNs] = insert.startTime;
      const [endS, endNs] = insert.endTime;
      expect(endS * 1e9 + endNs).toBeGreaterThan(startS * 1e9 + startNs);
    }
  });

  it('an introspection (served by Nest, not the engine) has its span, with the OAuth error of a refusal', async () => {
    const { access_token } = (await (await token()).json()) as { access_token: string };
    exporter.reset();
    const res = await postForm(
      `${t.url}/auth/introspect`,
      { token: access_token },
      { authorization: basic(secretClient, SECRET), traceparent: TRACEPARENT },
    );
    expect(res.status).toBe(200);
    const [request] = named('smart-auth introspect');
    expect(request).toBeDefined();
    expect(traceOf(request)).toBe(CALLER_TRACE);
    expect(request.attributes).toMatchObject({
      'smart.endpoint': 'introspect',
      'http.response.status_code': 200,
    });
    // A refused caller: the OAuth error on the span.
    exporter.reset();
    const refused = await postForm(
      `${t.url}/auth/introspect`,
      { token: access_token },
      { authorization: basic(secretClient, 'wrong-secret') },
    );
    expect(refused.status).toBe(401);
    const [failed] = named('smart-auth introspect');
    expect(failed.attributes).toMatchObject({
      'http.response.status_code': 401,
      'oauth.error': 'invalid_client',
    });
  });

  it('the documents answered from bytes have their spans too (smart-configuration, JWKS, 304)', async () => {
    for (let i = 0; i < 2; i++) await fetch(`${t.url}/auth/jwks`); // the second from the bytes
    exporter.reset();
    const smart = await fetch(`${t.url}/.well-known/smart-configuration`);
    expect(smart.status).toBe(200);
    const jwks = await fetch(`${t.url}/auth/jwks`, {
      headers: { 'if-none-match': (await fetch(`${t.url}/auth/jwks`)).headers.get('etag')! },
    });
    expect(jwks.status).toBe(304);
    const [discovery] = named('smart-auth discovery');
    expect(discovery.attributes).toMatchObject({
      'smart.endpoint': 'discovery',
      'http.response.status_code': 200,
    });
    expect(named('smart-auth jwks').map((s) => s.attributes['http.response.status_code'])).toEqual([
      200, 304,
    ]);
  });

  it("the gateway's upstream call is a client span, and the CDR receives its trace context", async () => {
    const { access_token } = (await (await token()).json()) as { access_token: string };
    cdr.compositions.set('traced::node::1', 'MyHospital::Vitals.v1');
    exporter.reset();
    const res = await fetch(
      `${t.url}/openehr/rest/v1/ehr/${PATIENT_EHR}/composition/traced::node::1`,
      { headers: { authorization: `Bearer ${access_token}`, traceparent: TRACEPARENT } },
    );
    expect(res.status).toBe(200);
    const [upstream] = named('openehr upstream GET');
    expect(upstream).toBeDefined();
    expect(upstream.kind).toBe(SpanKind.CLIENT);
    expect(traceOf(upstream)).toBe(CALLER_TRACE);
    expect(parentOf(upstream)).toBe(CALLER_SPAN);
    expect(upstream.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    });
    expect(upstream.attributes['url.full']).toBe(
      `${cdr.url}/ehr/${PATIENT_EHR}/composition/traced::node::1`,
    );
    const sent = cdr.requests.at(-1)!;
    expect(sent.headers.traceparent).toBe(`00-${CALLER_TRACE}-${idOf(upstream)}-01`);
  });
});

describe('traces: without an SDK', () => {
  let storage: TestStorage;
  let cdr: FakeCdr;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    cdr = await startFakeCdr();
    t = await startTestApp(storage, { SMART_OPENEHR_UPSTREAM_URL: cdr.url });
  });
  afterAll(async () => {
    await t.close();
    await cdr.close();
    await storage.dispose();
  });

  it("passes an app's traceparent to the CDR unchanged (no span of ours in between)", async () => {
    const client = await saveClient(
      t.app,
      {
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        scope: SCOPE,
      },
      { secret: SECRET },
    );
    const issued = await postForm(
      `${t.url}/auth/token`,
      { grant_type: 'client_credentials', scope: SCOPE },
      { authorization: basic(client, SECRET), traceparent: TRACEPARENT },
    );
    expect(issued.status).toBe(200);
    const { access_token } = (await issued.json()) as { access_token: string };
    cdr.compositions.set('plain::node::1', 'MyHospital::Vitals.v1');
    const res = await fetch(
      `${t.url}/openehr/rest/v1/ehr/${PATIENT_EHR}/composition/plain::node::1`,
      { headers: { authorization: `Bearer ${access_token}`, traceparent: TRACEPARENT } },
    );
    expect(res.status).toBe(200);
    expect(cdr.requests.at(-1)!.headers.traceparent).toBe(TRACEPARENT);
  });
});
