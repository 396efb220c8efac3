import { OAuthError } from '../errors/oauth.error.js';
import { Controller, Header, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from './openapi.decorators.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { UserRevocationService } from '../revocation/user-revocation.service.js';
import { AdminActor } from './admin-actor.decorator.js';
import { AdminErrorFilter } from './admin-error.filter.js';
import { AdminScopes } from './admin-scopes.decorator.js';
import { ErrorResponseDto } from './dto/error-response.dto.js';
import { toUserRevocationView, UserRevocationViewDto } from './dto/user-revocation-view.dto.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';

/** Users (subjects) as far as the authorization server holds something for them. */
@ApiTags('users')
@Controller(`${ROUTE_SEGMENTS.admin}/users`)
@AdminScopes('admin')
@UseFilters(AdminErrorFilter)
export class UsersController {
  constructor(private readonly users: UserRevocationService) {}

  @Post(':sub/revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Revoke a user's grants: refresh tokens, access tokens, sessions, on every instance",
    description:
      'Idempotent: a subject without grants is answered with zero counts. The user can sign in ' +
      'again; remembered consent is kept. Audited as user.revoke_grants.',
  })
  @ApiParam({ name: 'sub', description: 'The subject (`sub` of its tokens)' })
  @ApiOkResponse({ type: UserRevocationViewDto })
  @ApiBadRequestResponse({ description: 'invalid_request', type: ErrorResponseDto })
  async revoke(
    @Param('sub') sub: string,
    @AdminActor() by: SmartAdminActor,
  ): Promise<UserRevocationViewDto> {
    if (sub.length === 0 || sub.length > 255) {
      throw OAuthError.invalidRequest('sub must be 1 to 255 characters');
    }
    return toUserRevocationView(await this.users.revokeUser(sub, by));
  }
}
