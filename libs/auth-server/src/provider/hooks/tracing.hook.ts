import type { KoaContextWithOIDC } from 'oidc-provider';
import { context, trace } from '@opentelemetry/api';
import {
  failSpan,
  inTrace,
  requestContext,
  SpanStatusCode,
  tracer,
} from '../../tracing/auth.tracer.js';
import { engineOutcomeOf } from './engine-outcome.reader.js';
import type { Next } from './engine-hook.types.js';

/**
 * One span per engine request (`smart-auth <endpoint>`), the parent of the storage, key-fetch and
 * other spans the request opens. Attributes: the endpoint, HTTP status, OAuth error code, and for
 * issued tokens the grant type, client type and client id. 5xx answers mark the span failed.
 * Without an SDK (the no-op span) the request goes on untouched: no context is made active.
 */
export function tracingHook() {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const { parent, kind } = requestContext(ctx.headers);
    const span = tracer.startSpan('smart-auth request', { kind }, parent);
    if (!inTrace(span)) return next();
    await context.with(trace.setSpan(parent, span), async () => {
      try {
        await next();
      } catch (err) {
        failSpan(span, err);
        throw err;
      } finally {
        if (span.isRecording()) {
          const { endpoint, status, error, issued } = engineOutcomeOf(ctx);
          span.updateName(`smart-auth ${endpoint}`);
          span.setAttribute('smart.endpoint', endpoint);
          span.setAttribute('http.response.status_code', status);
          if (error) span.setAttribute('oauth.error', error);
          if (issued) {
            if (issued.grantType) span.setAttribute('oauth.grant_type', issued.grantType);
            if (issued.clientType) span.setAttribute('smart.client_type', issued.clientType);
            if (issued.clientId) span.setAttribute('oauth.client_id', issued.clientId);
          }
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      }
    });
  };
}
