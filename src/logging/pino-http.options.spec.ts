import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { logsSuccessfulRequests, pinoHttpOptions, traceFields } from './pino-http.options.js';

describe('log lines carry the active trace', () => {
  afterEach(() => {
    trace.disable();
    context.disable();
  });

  it('adds nothing without an SDK', () => {
    expect(traceFields()).toEqual({});
    trace.getTracer('test').startActiveSpan('no sdk', (span) => {
      expect(traceFields()).toEqual({});
      span.end();
    });
  });

  it("adds the active span's trace id, span id and flags (every line, through pino's mixin)", () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new TracerProvider());
    expect(pinoHttpOptions('info').mixin).toBe(traceFields);
    expect(traceFields()).toEqual({});
    trace.getTracer('test').startActiveSpan('request', (span) => {
      const { traceId, spanId } = span.spanContext();
      expect(traceFields()).toEqual({ trace_id: traceId, span_id: spanId, trace_flags: '01' });
      span.end();
    });
    expect(traceFields()).toEqual({});
  });
});

describe('request log lines keep credentials out', () => {
  it("logs method, path and status; never the Authorization, Cookie, Set-Cookie values or a redirect's query", async () => {
    const { pinoHttp } = await import('pino-http');
    const { createServer } = await import('node:http');
    const { Writable } = await import('node:stream');
    const lines: Record<string, any>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line));
        done();
      },
    });
    const log = pinoHttp({ ...pinoHttpOptions('info'), stream: sink } as never);
    const server = createServer((req, res) => {
      log(req, res);
      res.setHeader('Set-Cookie', 'session=secret-cookie-value; HttpOnly');
      res.setHeader('Location', 'https://app.example/cb?code=secret-auth-code&state=s#frag');
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/auth/token?code=secret-code`, {
      headers: {
        authorization: 'Bearer secret-bearer-token',
        cookie: 'session=secret-cookie-value',
        'x-request-id': 'req-0001',
      },
    });
    expect(res.headers.get('x-request-id')).toBe('req-0001');
    await res.text();
    await new Promise<void>((r) => server.close(() => r()));
    const line = lines.find((l) => l.req?.id === 'req-0001');
    expect(line).toBeDefined();
    expect(line!.req).toEqual({ id: 'req-0001', method: 'GET', url: '/auth/token' });
    expect(line!.res.statusCode).toBe(200);
    expect(line!.res.headers['set-cookie']).toBe('[redacted]');
    expect(line!.res.headers.location).toBe('https://app.example/cb');
    const text = JSON.stringify(lines);
    for (const secret of [
      'secret-bearer-token',
      'secret-cookie-value',
      'secret-code',
      'secret-auth-code',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('which levels write a line for a successful request', () => {
  it.each([
    ['trace', true],
    ['debug', true],
    ['info', true],
    ['warn', false],
    ['error', false],
    ['fatal', false],
    ['silent', false],
  ])('%s: %s', (level, logs) => {
    expect(logsSuccessfulRequests(level)).toBe(logs);
    // The rule follows the logger's own: 2xx and 3xx answers are logged at info.
    expect(
      pinoHttpOptions(level).customLogLevel!({} as never, { statusCode: 200 } as never, undefined),
    ).toBe('info');
  });
});
