// An OpenTelemetry SDK for a server process, as a host would register it with `node --import`:
// AsyncLocalStorage context, W3C trace context, the HTTP instrumentation, and an exporter that
// appends each finished span as one JSON line to $OTEL_TEST_SPANS_FILE (tests read it back).
import { appendFileSync } from 'node:fs';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const file = process.env.OTEL_TEST_SPANS_FILE;
if (!file) throw new Error('OTEL_TEST_SPANS_FILE is not set');

const exporter = {
  export(spans, done) {
    for (const span of spans) {
      const { traceId, spanId } = span.spanContext();
      const line = {
        name: span.name,
        kind: span.kind,
        traceId,
        spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        scope: span.instrumentationScope.name,
        attributes: span.attributes,
      };
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    }
    done({ code: ExportResultCode.SUCCESS });
  },
  shutdown: async () => undefined,
};

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(
  new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
);
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
