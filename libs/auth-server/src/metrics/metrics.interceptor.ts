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
import type { ServerResponse } from 'node:http';
import { catchError, throwError, type Observable } from 'rxjs';
import { SmartAuthMetrics } from './auth-metrics.service.js';
import type { MeasuredEndpoint } from './metric-label.types.js';

const ENDPOINT_KEY = 'smart:measured-endpoint';

/**
 * Times a Nest-served endpoint (until the response is sent, error responses included) and counts
 * the OAuth errors it throws, for the engine's endpoints see `provider/hooks/metrics.hook.ts`.
 */
export const Measured = (endpoint: MeasuredEndpoint) =>
  applyDecorators(SetMetadata(ENDPOINT_KEY, endpoint), UseInterceptors(MetricsInterceptor));

@Injectable()
export class MetricsInterceptor implements NestInterceptor {
  constructor(
    private readonly metrics: SmartAuthMetrics,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.metrics.enabled) return next.handle();
    const endpoint =
      this.reflector.get<MeasuredEndpoint | undefined>(ENDPOINT_KEY, context.getHandler()) ??
      'other';
    const started = this.metrics.startTimer();
    const res = context.switchToHttp().getResponse<ServerResponse>();
    res.once('finish', () => this.metrics.requestDone(endpoint, res.statusCode, started));
    return next.handle().pipe(
      catchError((err: unknown) => {
        const code = (err as { error?: unknown } | null)?.error;
        if (typeof code === 'string') this.metrics.oauthError(endpoint, code);
        return throwError(() => err);
      }),
    );
  }
}
