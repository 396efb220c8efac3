import {
  applyDecorators,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { context, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { catchError, Observable, throwError } from 'rxjs';
import { inTrace, requestContext, SpanStatusCode, tracer } from '../tracing/auth.tracer.js';
import { SmartAuthMetrics } from './auth-metrics.service.js';
import type { MeasuredEndpoint } from './metric-label.types.js';

const ENDPOINT_KEY = 'smart:observed-endpoint';

/**
 * Observes a Nest-served endpoint as the engine's are observed (`provider/hooks/metrics.hook.ts`
 * and `tracing.hook.ts`): a `smart-auth <endpoint>` span around the handler, and, with metrics on,
 * its duration until the response is sent or the connection closes (error responses included) and the OAuth errors it throws.
 */
export const Observed = (endpoint: MeasuredEndpoint) =>
  applyDecorators(SetMetadata(ENDPOINT_KEY, endpoint), UseInterceptors(EndpointInterceptor));

@Injectable()
export class EndpointInterceptor implements NestInterceptor {
  constructor(
    private readonly metrics: SmartAuthMetrics,
    private readonly reflector: Reflector,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const endpoint =
      this.reflector.get<MeasuredEndpoint | undefined>(ENDPOINT_KEY, ctx.getHandler()) ?? 'other';
    const http = ctx.switchToHttp();
    const req = http.getRequest<IncomingMessage>();
    const res = http.getResponse<ServerResponse>();
    const started = this.metrics.startTimer();
    const { parent, kind } = requestContext(req.headers);
    const span = tracer.startSpan(`smart-auth ${endpoint}`, { kind }, parent);
    span.setAttribute('smart.endpoint', endpoint);
    // 'close' also comes for an aborted connection, which never finishes.
    res.once('close', () => {
      this.metrics.requestDone(endpoint, res.statusCode, started);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    // The handler runs when Nest subscribes: subscribe inside the span's context (if in a trace).
    const handled = inTrace(span)
      ? new Observable<unknown>((subscriber) =>
          context.with(trace.setSpan(parent, span), () => next.handle().subscribe(subscriber)),
        )
      : next.handle();
    return handled.pipe(
      catchError((err: unknown) => {
        const code = (err as { error?: unknown } | null)?.error;
        if (typeof code === 'string') {
          this.metrics.oauthError(endpoint, code);
          span.setAttribute('oauth.error', code);
        }
        return throwError(() => err);
      }),
    );
  }
}
