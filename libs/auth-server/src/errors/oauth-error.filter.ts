import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { DatabaseUnavailableError } from '../persistence/persistence.errors.js';
import { OAuthError } from './oauth.error.js';

/**
 * The one renderer of errors from our OAuth-style Nest endpoints. Status >= 500 is rendered
 * generically; the detail goes only to the log.
 */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuthError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const err = this.toOAuthError(exception);
    res.status(err.status).set({ 'Cache-Control': 'no-store', ...err.headers });
    res.json({ error: err.error, error_description: err.description });
  }

  private toOAuthError(exception: unknown): OAuthError {
    if (exception instanceof OAuthError) return exception;
    if (exception instanceof DatabaseUnavailableError) return OAuthError.temporarilyUnavailable();
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const body = exception.getResponse() as { message?: unknown } | string;
      const message = typeof body === 'string' ? body : body.message;
      const description = Array.isArray(message)
        ? message.join('; ')
        : typeof message === 'string'
          ? message
          : exception.message;
      return new OAuthError('invalid_request', description, exception.getStatus());
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return new OAuthError('server_error', 'the server could not handle the request', 500);
  }
}
