import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken, basic, createTestStorage, type TestStorage } from '../support/app.harness.js';
import { freePort } from '../support/free-port.js';
import { ensureBuilt, ROOT, startChild, type ChildInstance } from '../fault/fault.support.js';
import { makeAdminApi } from '../factories/admin-api.factory.js';
import { makeSymmetricClient } from '../factories/client.factory.js';
import { postForm } from '../support/clients.js';

interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  scope: string;
  attributes: Record<string, unknown>;
}

/**
 * The documented way to turn tracing on (README "Traces"): the built server started with
 * `node --import <an SDK with the HTTP instrumentation>`. The HTTP server span is the root, the
 * auth server's spans hang under it, and every JSON log line of the request carries its trace id.
 */
describe('traces: the built server with an SDK registered by --import', () => {
  let storage: TestStorage;
  let dir: string;
  let spansFile: string;
  let instance: ChildInstance;
  let stdout = '';

  beforeAll(async () => {
    await ensureBuilt();
    storage = await createTestStorage();
    dir = mkdtempSync(join(tmpdir(), 'otel-'));
    spansFile = join(dir, 'spans.jsonl');
    const port = await freePort();
    instance = await startChild(
      port,
      {
        SMART_PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATA_DIR: storage.dataDir,
        ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
        LOG_LEVEL: 'info',
        OTEL_TEST_SPANS_FILE: spansFile,
      },
      {
        nodeArgs: ['--import', join(ROOT, 'test', 'support', 'otel-sdk.register.mjs')],
        onStdout: (text) => (stdout += text),
      },
    );
  }, 120_000);
  afterAll(async () => {
    await instance?.kill();
    await storage?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const exported = (): ExportedSpan[] =>
    readFileSync(spansFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ExportedSpan);
  const logLines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('one token request: the HTTP span, our span under it, storage under ours; its log line has the trace id', async () => {
    const api = makeAdminApi(instance.url, await adminToken(instance.url));
    const client = (await api.post('/admin/clients', makeSymmetricClient())).body as {
      client_id: string;
      client_secret: string;
      scope: string;
    };
    const requestId = 'trace-me-0001';
    const res = await postForm(
      `${instance.url}/auth/token`,
      { grant_type: 'client_credentials', scope: client.scope },
      {
        authorization: basic(client.client_id, client.client_secret),
        'x-request-id': requestId,
      },
    );
    expect(res.status).toBe(200);

    // The request's log line (pino-http, written when the response is finished).
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !line; i++) {
      line = logLines().find((l) => (l.req as { id?: string } | undefined)?.id === requestId);
      if (!line) await new Promise((r) => setTimeout(r, 100));
    }
    expect(line).toBeDefined();
    expect(line!.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(line!.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(line!.trace_flags).toBe('01');

    const trace = exported().filter((s) => s.traceId === line!.trace_id);
    const server = trace.find((s) => s.parentSpanId === undefined);
    expect(server).toMatchObject({
      kind: 1 /* SERVER */,
      attributes: { 'http.request.method': 'POST' },
    });
    const ours = trace.find((s) => s.name === 'smart-auth token');
    expect(ours).toMatchObject({
      kind: 0 /* INTERNAL: the HTTP span is the server span */,
      scope: '@smart-openehr/auth-server',
      attributes: { 'oauth.grant_type': 'client_credentials', 'http.response.status_code': 200 },
    });
    const ids = new Set(trace.map((s) => s.spanId));
    // Every span of the trace hangs from the server span.
    for (const span of trace) if (span !== server) expect(ids.has(span.parentSpanId!)).toBe(true);
    expect(
      trace.some((s) => s.parentSpanId === ours!.spanId && s.attributes['db.system.name']),
    ).toBe(true);
    // The other requests' lines (the admin token, the client registration) carry their own traces.
    const others = logLines().filter(
      (l) => l.req !== undefined && (l.req as { id?: string }).id !== requestId,
    );
    expect(others.length).toBeGreaterThanOrEqual(2);
    for (const other of others) {
      expect(other.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(other.trace_id).not.toBe(line!.trace_id);
    }
  });
});
