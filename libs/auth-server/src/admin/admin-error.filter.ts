import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { OAuthError } from '../errors/oauth.error.js';
import { DatabaseUnavailableError } from '../persistence/persistence.errors.js';

/** Error codes of the admin API by HTTP status, when the exception does not name one. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'access_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'request_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

interface WireError {
  status: number;
  error: string;
  description: string;
  headers: Record<string, string>;
}

/**
 * The one renderer of admin API errors: `{ "error", "error_description" }` (RFC 7591 style:
 * `invalid_client_metadata` naming the field, `not_found`, `invalid_request`, `invalid_token`,
 * `insufficient_scope`...). Status >= 500 is rendered generically; the detail goes to the log.
 */
@Catch()
export class AdminErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const err = this.toWire(exception);
    res.status(err.status).set({ 'Cache-Control': 'no-store', ...err.headers });
    res.json({ error: err.error, error_description: err.description });
  }

  private toWire(exception: unknown): WireError {
    if (exception instanceof OAuthError && exception.status < 500) {
      const { status, error, description, headers } = exception;
      return { status, error, description, headers };
    }
    if (exception instanceof DatabaseUnavailableError) {
      return {
        status: 503,
        error: 'temporarily_unavailable',
        description: 'the authorization server is temporarily unavailable',
        headers: { 'Retry-After': '5' },
      };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return fromHttpException(exception);
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return {
      status: 500,
      error: 'server_error',
      description: 'the server could not handle the request',
      headers: {},
    };
  }
}

function fromHttpException(exception: HttpException): WireError {
  const status = exception.getStatus();
  const body = exception.getResponse() as
    string | { error?: unknown; error_description?: unknown; message?: unknown };
  if (typeof body === 'object' && typeof body.error_description === 'string') {
    const error = typeof body.error === 'string' ? body.error : CODE_BY_STATUS[status];
    return {
      status,
      error: error ?? 'invalid_request',
      description: body.error_description,
      headers: {},
    };
  }
  const message = typeof body === 'string' ? body : body.message;
  const description = Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : exception.message;
  return { status, error: CODE_BY_STATUS[status] ?? 'invalid_request', description, headers: {} };
}
