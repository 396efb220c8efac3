import { Catch, Logger } from '@nestjs/common';
import { ADMIN_HTTP_CODES } from '../errors/error.renderer.js';
import { OAuthErrorFilter } from '../errors/oauth-error.filter.js';

/**
 * The admin API's (and registration's) errors: the one renderer with the admin code table
 * (`ADMIN_HTTP_CODES`: `not_found`, `conflict`, ... by status; RFC 7591
 * `invalid_client_metadata` naming the field).
 */
@Catch()
export class AdminErrorFilter extends OAuthErrorFilter {
  protected override readonly codes = ADMIN_HTTP_CODES;
  protected override readonly logger = new Logger('AdminApi');
}
