import { applyDecorators, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import type { Compartment, OpenEhrResource, Permission } from '@smart-openehr/scopes';
import { BearerTokenErrorFilter } from '../errors/bearer-token-error.filter.js';
import { SmartJwtAuthGuard } from '../guards/smart-jwt-auth.guard.js';
import { SmartScopesGuard } from '../guards/smart-scopes.guard.js';
import { REQUIRE_OPENEHR_METADATA } from '../smart-resource-server.constants.js';
import type { ValueSource } from './value-sources.js';

/** Options of {@link RequireOpenEhr}. */
export interface RequireOpenEhrOptions {
  /**
   * Where the template id / query name is. When it yields nothing, a scope whose pattern matches
   * every id is needed.
   * @default none: every id
   */
  id?: ValueSource;
  /**
   * Where the EHR id is (for `patient/` scopes).
   * @default fromParam('ehr_id'), then fromParam('ehrId')
   */
  ehrId?: ValueSource;
  /**
   * Whether the route reads or writes one EHR's data (then `patient/` scopes need the token's EHR).
   * @default true for `composition` and for `s` on `aql`, false otherwise
   */
  ehrBound?: boolean;
  /**
   * Compartments whose scopes may allow the route.
   * @default ['patient', 'user', 'system']
   */
  compartments?: readonly Compartment[];
}

/** The metadata {@link RequireOpenEhr} stores. */
export interface RequireOpenEhrMetadata extends RequireOpenEhrOptions {
  resource: OpenEhrResource;
  permission: Permission;
}

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
