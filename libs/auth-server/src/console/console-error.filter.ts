import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { ADMIN_HTTP_CODES, renderPage, toOAuthError } from '../errors/error.renderer.js';
import { OAuthError, showOnPage } from '../errors/oauth.error.js';
import { pageError } from '../errors/page.error.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';

/** The status a thrown value asks for: an `OAuthError`'s or `HttpException`'s own, else `fallback`. */
const statusOf = (exception: unknown, fallback: number): number =>
  exception instanceof OAuthError
    ? exception.status
    : exception instanceof HttpException
      ? exception.getStatus()
      : fallback;

/**
 * What a console request that failed shows: unknown → 404; a refused change (below 500) → its
 * status with the server's reason; storage unavailable → 503; anything else → 500 (an
 * `OAuthError` or `HttpException` of 5xx keeps its status). Detail goes to the log only.
 */
function consoleErrorOf(exception: unknown, log: (e: unknown) => void): OAuthError {
  const err = toOAuthError(exception, { codes: ADMIN_HTTP_CODES, onUnexpected: log });
  if (err.status === 404) return pageError(404, 'consoleNotFound');
  if (err.status < 500) {
    const reason = err.description;
    return showOnPage(err, (m) => ({
      title: m.console.rejected.title,
      message: m.console.rejected.message(reason),
    }));
  }
  const status = statusOf(exception, err.status);
  return pageError(status, status === 503 ? 'consoleUnavailable' : 'consoleFailed', err.headers);
}

/**
 * Renders whatever a console controller throws as a console error page through the one renderer
 * (`errors/error.renderer.ts`), never as Nest's JSON. Bound on each console controller
 * (`@UseFilters`), never globally.
 */
@Catch()
@Injectable()
export class ConsoleErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminConsole');

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const err = consoleErrorOf(exception, (e) =>
      this.logger.error(e instanceof Error ? (e.stack ?? e.message) : String(e)),
    );
    renderPage(host.switchToHttp().getResponse<Response>(), err, this.options);
  }
}
