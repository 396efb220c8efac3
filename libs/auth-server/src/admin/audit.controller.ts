import { Controller, Get, Query, UseFilters, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from './openapi.decorators.js';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import { AdminErrorFilter } from './admin-error.filter.js';
import { AdminScopes } from './admin-scopes.decorator.js';
import { AdminValidationPipe } from './admin-validation.pipe.js';
import { AuditQueryDto } from './dto/audit-query.dto.js';
import { toAuditEventView } from './dto/audit-event-view.dto.js';
import { AuditPageDto } from './dto/audit-page.dto.js';
import { ErrorResponseDto } from './dto/error-response.dto.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';

/** The audit trail of admin changes, registrations and security events. */
@ApiTags('audit')
@Controller(`${ROUTE_SEGMENTS.admin}/audit`)
@AdminScopes('admin')
@UseFilters(AdminErrorFilter)
@UsePipes(new AdminValidationPipe())
export class AuditController {
  constructor(private readonly audit: AuditTrailService) {}

  @Get()
  @ApiOperation({
    summary:
      'Audit events, newest first; filter by action, target_id, target_type, actor and time (from, to)',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async list(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    const { limit, offset } = query;
    const page = await this.audit.list({
      limit,
      offset,
      action: query.action,
      targetId: query.target_id,
      targetType: query.target_type,
      actor: query.actor,
      from: query.from,
      to: query.to,
    });
    return { items: page.items.map(toAuditEventView), total: page.total, limit, offset };
  }
}
