import { Body, Controller, HttpCode, Inject, Post, UseFilters, UsePipes } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '../admin/openapi.decorators.js';
import { AdminActor } from '../admin/admin-actor.decorator.js';
import { AdminErrorFilter } from '../admin/admin-error.filter.js';
import { AdminScopes } from '../admin/admin-scopes.decorator.js';
import { AdminValidationPipe } from '../admin/admin-validation.pipe.js';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { ClientActor } from '../clients/clients.service.js';
import { OAuthError } from '../errors/oauth.error.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { CreateLaunchDto } from './create-launch.dto.js';
import { LaunchService } from './launch.service.js';

/** The platform's launcher creates EHR launches here (scope `admin` or `launch:create`). */
@ApiTags('launches')
@Controller('admin/launches')
@UseFilters(AdminErrorFilter)
@UsePipes(AdminValidationPipe)
export class LaunchController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly launches: LaunchService,
    private readonly audit: AuditTrailService,
  ) {}

  @Post()
  @HttpCode(201)
  @AdminScopes('admin', 'launch:create')
  @ApiOperation({ summary: 'Create an EHR launch; the app receives `launch` and uses it once' })
  @ApiCreatedResponse({ description: '{ launch, expires_in }' })
  async create(
    @Body() dto: CreateLaunchDto,
    @AdminActor() actor: ClientActor,
  ): Promise<{ launch: string; expires_in: number }> {
    if (!dto.ehrId && !dto.patient) throw OAuthError.invalidRequest('ehrId or patient is required');
    if (dto.episodeId && !this.options.launch.episodeContext) {
      throw OAuthError.invalidRequest('episodeId is not enabled on this platform');
    }
    const { client_id: clientId, ...context } = dto;
    const created = await this.launches.create(context, clientId, actor.actor);
    await this.audit.record({
      actor: actor.actor,
      action: 'launch.create',
      targetType: 'launch',
      targetId: clientId,
      details: { ehrId: dto.ehrId, patient: dto.patient, requestId: actor.requestId },
    });
    return created;
  }
}
