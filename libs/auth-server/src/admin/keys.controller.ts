import { Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from './openapi.decorators.js';
import { AdminActor } from './admin-actor.decorator.js';
import { AdminErrorFilter } from './admin-error.filter.js';
import { AdminScopes } from './admin-scopes.decorator.js';
import { SmartAuthAdmin } from './auth-admin.port.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';

/** Key rotation: new keys are published now, sign after every instance has seen them. */
@ApiTags('keys')
@Controller(`${ROUTE_SEGMENTS.admin}/keys`)
@AdminScopes('admin')
@UseFilters(AdminErrorFilter)
export class KeysController {
  constructor(private readonly admin: SmartAuthAdmin) {}

  @Post('rotate')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Rotate signing keys (publish now, sign later, retire the old ones after the longest token lifetime)',
  })
  async rotate(@AdminActor() by: SmartAdminActor): Promise<{ published: string[] }> {
    return { published: await this.admin.rotateSigningKeys(by) };
  }
}
