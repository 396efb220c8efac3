import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { Options } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The active span's ids on a log line (OpenTelemetry's log correlation fields), when tracing is
 * on; nothing when no SDK is registered.
 */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!isSpanContextValid({ traceId, spanId, traceFlags })) return {};
  return {
    trace_id: traceId,
    span_id: spanId,
    trace_flags: traceFlags.toString(16).padStart(2, '0'),
  };
}

/** A response's headers for the log: no cookie value, no query or fragment of a `Location`. */
function withoutSecrets(headers: Record<string, unknown>): Record<string, unknown> {
  const safe = { ...headers };
  if ('set-cookie' in safe) safe['set-cookie'] = '[redacted]';
  for (const name of ['location', 'content-location']) {
    const value = safe[name];
    if (typeof value === 'string') safe[name] = value.split(/[?#]/)[0];
  }
  return safe;
}

/**
 * The request's id, set as `X-Request-Id` on the answer: the caller's when well-formed, else a new
 * UUID.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Whether pino-http at `level` writes a line for a successful request (it logs those at info). */
export const logsSuccessfulRequests = (level: string): boolean =>
  ['trace', 'debug', 'info'].includes(level);

/**
 * Structured JSON request logs with a request id (taken from `X-Request-Id` when well-formed),
 * and the trace ids of the active span on every line (`traceFields`).
 */
export function pinoHttpOptions(level: string): Options {
  return {
    level,
    mixin: traceFields,
    genReqId: assignRequestId,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    // Serializers instead of pino's `redact`: the request line keeps no header and no query, the
    // response line no cookie value and no query of a redirect (authorization codes travel there);
    // `redact` would run on every request's child logger (~10 µs).
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number; headers?: Record<string, unknown> }) => ({
        statusCode: res.statusCode,
        headers: res.headers && withoutSecrets(res.headers),
      }),
    },
  };
}
