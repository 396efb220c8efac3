import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { OAUTH_HTTP_CODES, renderJson, toOAuthError } from './error.renderer.js';

/**
 * Renders whatever an OAuth-style Nest endpoint (introspect, revoke, revocation feed...) throws,
 * through the one renderer (`errors/error.renderer.ts`): `{ error, error_description }` JSON.
 * Generic server errors are logged here, their detail never sent. Subclasses choose another
 * code table (no constructor parameters: Nest instantiates filters itself).
 */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  protected readonly codes = OAUTH_HTTP_CODES;
  protected readonly logger = new Logger('OAuthError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const err = toOAuthError(exception, {
      codes: this.codes,
      onUnexpected: (e) => this.logger.error(e instanceof Error ? e.stack : String(e)),
    });
    renderJson(host.switchToHttp().getResponse<Response>(), err);
  }
}
