import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SMART_RESOURCE_SERVER_OPTIONS } from '../smart-resource-server.constants.js';
import type { ResolvedSmartResourceServerOptions } from '../smart-resource-server.options.js';
import { BearerTokenError } from './bearer-token.error.js';
import { TokenVerificationUnavailableError } from './token-verification-unavailable.error.js';

/** Seconds a client should wait after a 503 caused by the issuer being unreachable. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The one renderer of {@link BearerTokenError} (RFC 6750: status, `WWW-Authenticate`, JSON
 * `{error, error_description}`) and of {@link TokenVerificationUnavailableError} (503). Bound by
 * the library's decorators through `@UseFilters()`, never as a global `APP_FILTER`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
@Catch(BearerTokenError, TokenVerificationUnavailableError)
export class BearerTokenErrorFilter implements ExceptionFilter {
  constructor(
    @Inject(SMART_RESOURCE_SERVER_OPTIONS)
    private readonly options: ResolvedSmartResourceServerOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  catch(
    exception: BearerTokenError | TokenVerificationUnavailableError,
    host: ArgumentsHost,
  ): void {
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    if (exception instanceof TokenVerificationUnavailableError) {
      adapter.setHeader(response, 'Retry-After', String(RETRY_AFTER_SECONDS));
      adapter.reply(response, exception.toBody(), exception.status);
      return;
    }
    adapter.setHeader(response, 'WWW-Authenticate', exception.toHeader(this.options.realm));
    adapter.reply(response, exception.toBody(), exception.status);
  }
}
