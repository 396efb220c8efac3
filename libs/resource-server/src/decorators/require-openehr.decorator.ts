import { applyDecorators, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import type { OpenEhrResource, Permission } from '@smart-openehr/scopes';
import { BearerTokenErrorFilter } from '../errors/bearer-token-error.filter.js';
import { SmartJwtAuthGuard } from '../guards/smart-jwt-auth.guard.js';
import { SmartScopesGuard } from '../guards/smart-scopes.guard.js';
import { REQUIRE_OPENEHR_METADATA } from '../smart-resource-server.constants.js';
import type {
  RequireOpenEhrMetadata,
  RequireOpenEhrOptions,
} from '../openehr/openehr-route.types.js';

/**
 * Declares the openEHR access a route needs, for routes that are not standard openEHR REST paths
 * (for those, prefer `@OpenEhrApi()`). Authenticates the bearer token, checks the scope, renders
 * RFC 6750 errors.
 *
 * @example
 * ```ts
 * @Get('ehr/:ehr_id/vitals/:template')
 * @RequireOpenEhr('composition', 'r', { id: fromParam('template') })
 * vitals(@SmartContext() token: SmartTokenContext) {}
 * ```
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function RequireOpenEhr(
  resource: OpenEhrResource,
  permission: Permission,
  options: RequireOpenEhrOptions = {},
): ClassDecorator & MethodDecorator {
  const metadata: RequireOpenEhrMetadata = { resource, permission, ...options };
  return applyDecorators(
    SetMetadata(REQUIRE_OPENEHR_METADATA, metadata),
    UseGuards(SmartJwtAuthGuard, SmartScopesGuard),
    UseFilters(BearerTokenErrorFilter),
  );
}
