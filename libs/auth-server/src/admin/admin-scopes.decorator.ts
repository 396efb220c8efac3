import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from './openapi.decorators.js';
import { AdminApiGuard } from './admin-api.guard.js';
import { ADMIN_BEARER_SCHEME, ADMIN_SCOPES_METADATA } from './admin.constants.js';
import { ErrorResponseDto } from './dto/error-response.dto.js';

/**
 * Protects a controller or route with this server's own bearer access tokens: the token must be
 * valid, its client approved, and it must carry at least one of `scopes` (default `admin`).
 * A route-level decorator overrides the controller's, e.g. `@AdminScopes('admin', 'launch:create')`.
 */
export const AdminScopes = (...scopes: string[]) =>
  applyDecorators(
    SetMetadata(ADMIN_SCOPES_METADATA, scopes.length > 0 ? scopes : ['admin']),
    UseGuards(AdminApiGuard),
    ApiBearerAuth(ADMIN_BEARER_SCHEME),
    ApiUnauthorizedResponse({
      description: 'missing or invalid bearer token',
      type: ErrorResponseDto,
    }),
    ApiForbiddenResponse({ description: 'insufficient_scope', type: ErrorResponseDto }),
  );
