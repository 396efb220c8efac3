import { applyDecorators, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { BearerTokenErrorFilter } from '../errors/bearer-token-error.filter.js';
import { SmartJwtAuthGuard } from '../guards/smart-jwt-auth.guard.js';
import { SmartScopesGuard } from '../guards/smart-scopes.guard.js';
import { OPENEHR_API_METADATA } from '../smart-resource-server.constants.js';
import type { OpenEhrApiMetadata, OpenEhrApiOptions } from '../openehr/openehr-route.types.js';

/**
 * Protects openEHR REST routes by their URL: each request is mapped with
 * `resolveOpenEhrOperation()` to an operation and the scopes that allow it (see the README table);
 * unknown paths are refused. On a controller or a handler.
 *
 * @example
 * ```ts
 * @Controller('openehr/rest/v1')
 * @OpenEhrApi({ basePath: '/openehr/rest/v1' })
 * export class EhrController {
 *   @Get('ehr/:ehr_id') getEhr() {}
 * }
 * ```
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function OpenEhrApi(options: OpenEhrApiOptions): ClassDecorator & MethodDecorator {
  const basePath = `/${options.basePath.replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
  return applyDecorators(
    SetMetadata(OPENEHR_API_METADATA, { basePath } satisfies OpenEhrApiMetadata),
    UseGuards(SmartJwtAuthGuard, SmartScopesGuard),
    UseFilters(BearerTokenErrorFilter),
  );
}
