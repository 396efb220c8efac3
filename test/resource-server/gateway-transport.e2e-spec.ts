import { Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { OpenEhrGatewayModule } from '../../src/openehr-gateway/index.js';
import {
  bigPayload,
  BIG_RESPONSE_BYTES,
  closedPortUrl,
  sha256,
  startFakeCdr,
  type FakeCdr,
} from './fake-cdr.js';
import { startFakeIssuer, type FakeIssuer } from './fake-issuer.js';
import { AUDIENCE, BASE, startGateway, UPSTREAM_AUTHORIZATION } from './gateway.harness.js';
import { makeSigningKey, signAccessToken, type SigningKey } from './token.factory.js';

const EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
/** Whitespace and a number beyond double precision: only a byte-exact forward keeps them. */
const EXACT_BODY =
  '{ "archetype_details" : { "template_id" : { "value" : "Vitals.v1" } },\n  "magnitude": 12345678901234567890 }';

describe('OpenEhrGatewayModule: transport', () => {
  let issuer: FakeIssuer;
  let cdr: FakeCdr;
  let key: SigningKey;
  const apps: INestApplication[] = [];

  const bearer = async (scope: string) =>
    `Bearer ${await signAccessToken(key, scope, { issuer: issuer.issuer, audience: AUDIENCE, claims: { ehrId: EHR } })}`;
  async function gateway(
    ...args: Parameters<typeof startGateway> extends [unknown, ...infer Rest] ? Rest : never
  ) {
    const app = await startGateway(issuer, ...args);
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    [issuer, cdr, key] = await Promise.all([
      startFakeIssuer(),
      startFakeCdr(),
      makeSigningKey('ES256', 'ec-1'),
    ]);
    issuer.keys.push(key.publicJwk);
  });
  beforeEach(() => {
    cdr.requests.length = 0;
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all([cdr.close(), issuer.close()]);
  });

  it('answers 503 on every route when no CDR is configured, before authentication', async () => {
    const app = await gateway({ upstreamUrl: undefined });
    for (const req of [
      request(app.getHttpServer()).get(`${BASE}/ehr/${EHR}`),
      request(app.getHttpServer())
        .post(`${BASE}/query/aql`)
        .set('authorization', await bearer('user/aql-*.s'))
        .send({ q: 'x' }),
    ]) {
      const response = await req;
      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'no openEHR CDR is configured (SMART_OPENEHR_UPSTREAM_URL)',
      });
    }
  });

  it('answers 502 when the CDR is unreachable', async () => {
    const app = await gateway({ upstreamUrl: await closedPortUrl() });
    const response = await request(app.getHttpServer())
      .get(`${BASE}/definition/template/adl1.4`)
      .set('authorization', await bearer('user/template-*.r'));

    expect(response.status).toBe(502);
    expect(response.body).toEqual({
      error: 'bad_gateway',
      error_description: 'the openEHR CDR could not be reached',
    });
  });

  it('answers 504 when the CDR does not answer in time', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const app = await gateway({
      upstreamUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      upstreamTimeoutMs: 200,
    });
    const response = await request(app.getHttpServer())
      .get(`${BASE}/definition/template/adl1.4`)
      .set('authorization', await bearer('user/template-*.r'));
    sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => silent.close(() => resolve()));

    expect(response.status).toBe(504);
    expect(response.body.error).toBe('gateway_timeout');
  });

  it('streams a 1 MiB response back intact', async () => {
    const app = await gateway({ upstreamUrl: cdr.url });
    const response = await request(app.getHttpServer())
      .get(`${BASE}/definition/template/adl1.4/Big.v1`)
      .set('authorization', await bearer('user/template-Big.v1.r'))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

    expect(response.status).toBe(200);
    expect((response.body as Buffer).length).toBe(BIG_RESPONSE_BYTES);
    expect(sha256(response.body as Buffer)).toBe(sha256(bigPayload()));
  });

  it('streams a 3 MiB upload to the CDR intact', async () => {
    const app = await gateway({ upstreamUrl: cdr.url, maxBufferedBodyBytes: 1024 });
    const upload = bigPayload(3 * 1024 * 1024);
    const response = await request(app.getHttpServer())
      .post(`${BASE}/definition/template/adl1.4`)
      .set('authorization', await bearer('user/template-*.c'))
      .set('content-type', 'application/xml')
      .send(upload);

    expect(response.status).toBe(200);
    expect(cdr.requests[0]?.headers.authorization).toBe(UPSTREAM_AUTHORIZATION);
    expect(sha256(cdr.requests[0]?.body ?? Buffer.alloc(0))).toBe(sha256(upload));
  });

  it.each([
    ['Nest body parser on (re-serialised JSON)', {}, false],
    ['body parser off (raw stream, buffered by the gateway)', { bodyParser: false }, true],
    ['rawBody: true (byte-exact copy kept by Nest)', { rawBody: true }, true],
  ])('forwards a composition body with %s', async (_name, appOptions, exact) => {
    const app = await gateway({ upstreamUrl: cdr.url }, appOptions);
    const response = await request(app.getHttpServer())
      .post(`${BASE}/ehr/${EHR}/composition`)
      .set('authorization', await bearer('patient/composition-Vitals.v1.c'))
      .set('content-type', 'application/json')
      .send(EXACT_BODY);

    expect(response.status).toBe(200);
    const forwarded = cdr.requests[0]?.body.toString() ?? '';
    if (exact) expect(forwarded).toBe(EXACT_BODY);
    else expect(JSON.parse(forwarded)).toEqual(JSON.parse(EXACT_BODY));
    expect(Number(cdr.requests[0]?.headers['content-length'])).toBe(Buffer.byteLength(forwarded));
  });

  it.each([
    ['Nest body parser on', {}],
    ['body parser off', { bodyParser: false }],
  ])(
    'answers 413 for a composition body above maxBufferedBodyBytes (%s)',
    async (_name, appOptions) => {
      const app = await gateway({ upstreamUrl: cdr.url, maxBufferedBodyBytes: 1024 }, appOptions);
      const body = JSON.stringify({
        archetype_details: { template_id: { value: 'Vitals.v1' } },
        padding: 'x'.repeat(4096),
      });
      const response = await request(app.getHttpServer())
        .post(`${BASE}/ehr/${EHR}/composition`)
        .set('authorization', await bearer('patient/composition-Vitals.v1.c'))
        .set('content-type', 'application/json')
        .send(body);

      expect(response.status).toBe(413);
      expect(response.body).toEqual({
        error: 'invalid_request',
        error_description: 'the request body exceeds 1024 bytes',
      });
      expect(cdr.requests).toEqual([]);
    },
  );

  it('works under a global prefix and with forRootAsync', async () => {
    @Module({
      providers: [{ provide: 'CONFIG', useValue: { upstream: cdr.url, issuer: issuer.issuer } }],
      exports: ['CONFIG'],
    })
    class ConfigModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        OpenEhrGatewayModule.forRootAsync({
          basePath: 'openehr/rest/v1/',
          imports: [ConfigModule],
          inject: ['CONFIG'],
          useFactory: (config: { upstream: string; issuer: string }) => ({
            upstreamUrl: config.upstream,
            resourceServer: { issuer: config.issuer, audience: AUDIENCE },
          }),
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.setGlobalPrefix('api');
    await app.init();
    apps.push(app);

    const response = await request(app.getHttpServer())
      .post('/api/openehr/rest/v1/ehr')
      .set('authorization', await bearer('user/composition-*.c'))
      .send({});

    expect(response.status).toBe(201);
    expect(response.headers.location).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/api\/openehr\/rest\/v1\/ehr\/new-ehr-id$/,
    );
    expect(cdr.requests[0]?.url).toBe('/ehrbase/rest/openehr/v1/ehr');
    expect(cdr.requests[0]?.headers.authorization).toBeUndefined();
  });
});
