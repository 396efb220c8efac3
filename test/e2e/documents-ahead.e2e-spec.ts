import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Module,
  type DynamicModule,
  type INestApplication,
  type LoggerService,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  mountSmartAuthServer,
  SmartAuthServerModule,
  type SmartAuthServerMountOptions,
} from '@smart-openehr/auth-server';
import { hostTypeOrm } from '../fixtures/apps/host-config.module.js';
import { createTestStorage, settleFailedBoot, type TestStorage } from '../support/app.harness.js';
import { freePort } from '../support/free-port.js';
import { httpAnswer, type HttpAnswer } from '../support/http-request.js';
import { DOCUMENTS, JWKS, OIDC, SMART } from '../support/document-paths.js';

/** Both hosts' public URL: requests name its host, whatever port they reach. */
const ISSUER = 'http://auth.example';
/** Errors logged by either host (Nest's static logger is the last one created). */
const errors: string[] = [];

@Module({})
class DocumentsHostModule {
  static register(storage: TestStorage): DynamicModule {
    return {
      module: DocumentsHostModule,
      imports: [
        hostTypeOrm({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir }),
        SmartAuthServerModule.forRoot({
          issuer: ISSUER,
          trustProxy: true,
          allowedHosts: ['localhost'],
          services: { 'org.openehr.rest': { baseUrl: `${ISSUER}/openehr/rest/v1` } },
        }),
      ],
    };
  }
}

/** A host whose own middleware marks every answer it sees and remembers the request. */
interface Host {
  app: INestApplication;
  port: number;
  seen: string[];
  storage: TestStorage;
}

async function boot(mount: SmartAuthServerMountOptions): Promise<Host> {
  const storage = await createTestStorage();
  const port = await freePort();
  const logger: LoggerService = {
    log: () => undefined,
    warn: () => undefined,
    error: (message: unknown) => void errors.push(String(message)),
  };
  const app = await NestFactory.create(DocumentsHostModule.register(storage), {
    logger,
    abortOnError: false,
  }).catch(async (err: unknown) => {
    await settleFailedBoot();
    throw err;
  });
  const seen: string[] = [];
  (app as NestExpressApplication).disable('x-powered-by');
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('X-Host-Saw', 'yes');
    next();
  });
  mountSmartAuthServer(app, mount);
  await app.listen(port, '127.0.0.1');
  return { app, port, seen, storage };
}

/** A request for the public URL's host (any target, any `Host` in `headers`) to `port`. */
const send = (
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<HttpAnswer> =>
  httpAnswer(`http://127.0.0.1:${port}`, path, { host: 'auth.example', ...headers }, { method });

/** An answer without what differs per request, per connection or per host middleware. */
const withoutPerRequest = ({ status, headers, body }: HttpAnswer) => {
  const {
    date: _date,
    connection: _connection,
    'keep-alive': _keepAlive,
    'x-host-saw': _saw,
    'x-host-hook': _hook,
    ...rest
  } = headers;
  return { status, headers: rest, body };
};

/**
 * What two hosts' answers share: each host has its own signing keys, so of the JWKS only the
 * shape is compared (the first test compares its bytes and ETag with the full path's in one host).
 */
const comparable = (answer: HttpAnswer, path: string) => {
  const { status, headers, body } = withoutPerRequest(answer);
  if (path !== JWKS) return { status, headers, body };
  const { etag, 'content-length': length, ...others } = headers;
  const keys = body ? (JSON.parse(body) as { keys: { alg: string }[] }).keys : [];
  return {
    status,
    headers: others,
    etag: typeof etag === 'string' && /^"[\w-]{43}"$/.test(etag),
    length: length === undefined || length === String(Buffer.byteLength(body)) || body === '',
    algs: keys.map((k) => k.alg).sort(),
  };
};

/**
 * `mountSmartAuthServer(app, { documentsAhead: true })`: the smart-configuration, the
 * openid-configuration and the JWKS are answered ahead of the host's Express app (issue 16, S6),
 * with the bytes and headers the full path gives, and only those exact requests.
 */
describe('documents answered ahead of the host app (mount option documentsAhead)', () => {
  let ahead: Host;
  let full: Host;

  beforeAll(async () => {
    ahead = await boot({
      documentsAhead: true,
      beforeDocumentAnswer: (req, res) => {
        if (req.headers['x-test-throw']) throw new Error('hook failed on purpose');
        res.setHeader('X-Host-Hook', 'yes');
      },
    });
    full = await boot({});
  });
  afterAll(async () => {
    for (const host of [ahead, full]) {
      await host.app.close();
      await host.storage.dispose();
    }
  });

  it("the engine's documents go the full way until the engine has answered them once, then never reach the host", async () => {
    for (const path of [OIDC, JWKS]) {
      ahead.seen.length = 0;
      const first = await send(ahead.port, path);
      expect(first.status).toBe(200);
      expect(first.headers['x-host-saw']).toBe('yes');
      const second = await send(ahead.port, path);
      expect(second.status).toBe(200);
      expect(second.headers['x-host-saw']).toBeUndefined();
      expect(second.headers['x-host-hook']).toBe('yes');
      expect(ahead.seen).toEqual([`GET ${path}`]);
      expect(withoutPerRequest(second)).toEqual(withoutPerRequest(first));
    }
  });

  const variants: [string, Record<string, string>, string][] = [
    ['plain GET', {}, 'GET'],
    ['an Origin', { origin: 'https://app.example' }, 'GET'],
    ['HTTPS at the proxy (HSTS)', { 'x-forwarded-proto': 'https' }, 'GET'],
    ['HTTP at the proxy', { 'x-forwarded-proto': 'http, https' }, 'GET'],
    ['HEAD', {}, 'HEAD'],
  ];

  it.each(DOCUMENTS.flatMap((path) => variants.map((v) => [path, ...v] as const)))(
    '%s with %s: the same status, headers and bytes as the full path, without the host middleware',
    async (path, _label, headers, method) => {
      await send(ahead.port, path); // the engine has answered once
      ahead.seen.length = 0;
      const fast = await send(ahead.port, path, headers, method);
      const slow = await send(full.port, path, headers, method);
      expect(slow.headers['x-host-saw']).toBe('yes');
      expect(fast.headers['x-host-saw']).toBeUndefined();
      expect(fast.headers['x-host-hook']).toBe('yes');
      expect(ahead.seen).toEqual([]);
      expect(comparable(fast, path)).toEqual(comparable(slow, path));
      const hsts = fast.headers['strict-transport-security'];
      if (headers['x-forwarded-proto'] === 'https') expect(hsts).toMatch(/^max-age=\d+$/);
      else expect(hsts).toBeUndefined();
    },
  );

  it.each(DOCUMENTS)('%s: 304 on a matching If-None-Match, as the full path', async (path) => {
    const etagOf = async (port: number) => String((await send(port, path)).headers.etag);
    const [aheadTag, fullTag] = [await etagOf(ahead.port), await etagOf(full.port)];
    ahead.seen.length = 0;
    const fast = await send(ahead.port, path, { 'if-none-match': aheadTag });
    const slow = await send(full.port, path, { 'if-none-match': fullTag });
    expect(fast.status).toBe(304);
    expect(ahead.seen).toEqual([]);
    expect(comparable(fast, path)).toEqual(comparable(slow, path));
  });

  it.each([
    ['a query', `${SMART}?x=1`, {}, 'GET', 200],
    ['a trailing slash', `${SMART}/`, {}, 'GET', 200],
    ['another letter case', JWKS.toUpperCase(), {}, 'GET', 404],
    ['POST', SMART, {}, 'POST', 404],
    [
      'OPTIONS (CORS preflight)',
      JWKS,
      { origin: 'https://app.example', 'access-control-request-method': 'GET' },
      'OPTIONS',
      204,
    ],
    ['a host the server does not serve', OIDC, { host: 'evil.example' }, 'GET', 421],
    [
      'a forwarded host the server does not serve',
      JWKS,
      { 'x-forwarded-host': 'evil.example' },
      'GET',
      421,
    ],
    ['an allowed second host', SMART, { host: 'localhost' }, 'GET', 200],
    ['an absolute-form target', `${ISSUER}${SMART}`, {}, 'GET', 200],
    ['another engine path', '/auth/userinfo', {}, 'GET', 401],
  ])(
    '%s takes the full way through the host app',
    async (_label, path, headers, method, status) => {
      await send(ahead.port, JWKS);
      await send(ahead.port, OIDC);
      ahead.seen.length = 0;
      const res = await send(ahead.port, path, headers, method);
      expect(res.status).toBe(status);
      expect(res.status).toBe((await send(full.port, path, headers, method)).status);
      expect(res.headers['x-host-saw']).toBe('yes');
      expect(res.headers['x-host-hook']).toBeUndefined();
      expect(ahead.seen).toHaveLength(1);
    },
  );

  it('a hook that throws sends the request the full way (200), and the error is logged', async () => {
    ahead.seen.length = 0;
    const res = await send(ahead.port, SMART, { 'x-test-throw': '1' });
    expect(res.status).toBe(200);
    expect(res.headers['x-host-saw']).toBe('yes');
    expect(JSON.parse(res.body)).toHaveProperty('issuer', ISSUER);
    expect(ahead.seen).toEqual([`GET ${SMART}`]);
    expect(errors.some((e) => e.includes('hook failed on purpose'))).toBe(true);
  });

  it('refuses a beforeDocumentAnswer hook without documentsAhead', async () => {
    const storage = await createTestStorage();
    const app = await NestFactory.create(DocumentsHostModule.register(storage), { logger: false });
    try {
      expect(() => mountSmartAuthServer(app, { beforeDocumentAnswer: () => undefined })).toThrow(
        'beforeDocumentAnswer needs documentsAhead: true',
      );
    } finally {
      await app.close();
      await storage.dispose();
    }
  });
});
