import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { pinoHttpOptions, traceFields } from './pino-http.options.js';

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
