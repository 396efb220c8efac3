import {
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * The auth server's spans, through `@opentelemetry/api` only: they are recorded when the host
 * registers an OpenTelemetry SDK (README "Traces"), and cost a no-op call otherwise.
 */
export const tracer = trace.getTracer('@smart-openehr/auth-server');

export { SpanKind, SpanStatusCode };
export type { Attributes, Span };

/**
 * Whether a span belongs to a trace: false for the no-op span of a process without an SDK (and
 * no caller's trace context), whose context need not be made active for anything below it.
 */
export const inTrace = (span: Span): boolean => {
  const spanContext = span.spanContext();
  // The no-op tracer's shared invalid context: known without checking the ids.
  return spanContext !== INVALID_SPAN_CONTEXT && isSpanContextValid(spanContext);
};

/** Marks a span failed by an exception (its type and message; never a stack with request data). */
export function failSpan(span: Span, err: unknown): void {
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: err instanceof Error ? err.name : 'Error',
  });
  if (err instanceof Error) span.recordException({ name: err.name, message: err.message });
}

/** Runs `work` in a new active span, ended when it settles and marked failed when it throws. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * The context a request's span starts in: the active one when the host's HTTP instrumentation
 * already opened a server span, else the caller's W3C trace context from the request headers.
 */
export function requestContext(headers: Record<string, string | string[] | undefined>): {
  parent: Context;
  kind: SpanKind;
} {
  const active = context.active();
  if (trace.getSpan(active)) return { parent: active, kind: SpanKind.INTERNAL };
  return { parent: propagation.extract(active, headers), kind: SpanKind.SERVER };
}

/**
 * The `smart-auth <endpoint>` span of a request answered at once, without the engine or Nest
 * (the precomputed discovery documents and JWKS).
 */
export function recordAnswered(
  endpoint: string,
  headers: Record<string, string | string[] | undefined>,
  status: number,
): void {
  const { parent, kind } = requestContext(headers);
  const attributes = { 'smart.endpoint': endpoint, 'http.response.status_code': status };
  tracer.startSpan(`smart-auth ${endpoint}`, { kind, attributes }, parent).end();
}
