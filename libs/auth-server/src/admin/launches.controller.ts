import { Body, Controller, HttpCode, Post, UseFilters, UsePipes } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from './openapi.decorators.js';
import { AdminActor } from './admin-actor.decorator.js';
import { AdminErrorFilter } from './admin-error.filter.js';
import { AdminScopes } from './admin-scopes.decorator.js';
import { AdminValidationPipe } from './admin-validation.pipe.js';
import { SmartAuthAdmin } from './auth-admin.port.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { CreateLaunchDto } from './dto/create-launch.dto.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';

/** The platform's launcher creates EHR launches here (scope `admin` or `launch:create`). */
@ApiTags('launches')
@Controller(`${ROUTE_SEGMENTS.admin}/launches`)
@UseFilters(AdminErrorFilter)
@UsePipes(AdminValidationPipe)
export class LaunchController {
  constructor(private readonly admin: SmartAuthAdmin) {}

  @Post()
  @HttpCode(201)
  @AdminScopes('admin', 'launch:create')
  @ApiOperation({ summary: 'Create an EHR launch; the app receives `launch` and uses it once' })
  @ApiCreatedResponse({ description: '{ launch, expires_in }' })
  create(
    @Body() dto: CreateLaunchDto,
    @AdminActor() by: SmartAdminActor,
  ): Promise<{ launch: string; expires_in: number }> {
    const { client_id: clientId, ...context } = dto;
    return this.admin.createLaunch(context, { clientId, by });
  }
}
