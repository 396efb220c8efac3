import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Query,
  UseFilters,
  UsePipes,
} from '@nestjs/common';
import { OAuthError } from '../errors/oauth.error.js';
import { ApiOperation, ApiTags } from './openapi.decorators.js';
import { AdminActor } from './admin-actor.decorator.js';
import { AdminErrorFilter } from './admin-error.filter.js';
import { AdminScopes } from './admin-scopes.decorator.js';
import { AdminValidationPipe } from './admin-validation.pipe.js';
import { SmartAuthAdmin } from './auth-admin.port.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { TrustedIssuerDto } from './dto/trusted-issuer.dto.js';
import type { TrustedIssuer } from '../persistence/records/trusted-issuer.record.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';

/** Trusted assertion issuers for the RFC 7523 jwt-bearer grant (scope `admin`). */
@ApiTags('trusted-issuers')
@Controller(`${ROUTE_SEGMENTS.admin}/trusted-issuers`)
@AdminScopes('admin')
@UseFilters(AdminErrorFilter)
@UsePipes(AdminValidationPipe)
export class TrustedIssuersController {
  constructor(private readonly admin: SmartAuthAdmin) {}

  @Get()
  @ApiOperation({ summary: 'List trusted issuers' })
  async list(): Promise<{ items: TrustedIssuer[] }> {
    return { items: await this.admin.listTrustedIssuers() };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register (or replace) a trusted issuer' })
  save(@Body() dto: TrustedIssuerDto, @AdminActor() by: SmartAdminActor): Promise<TrustedIssuer> {
    return this.admin.saveTrustedIssuer(
      {
        issuer: dto.issuer,
        jwks: dto.jwks,
        jwksUri: dto.jwks_uri,
        allowedSubjects: dto.allowed_subjects,
        allowedScope: dto.allowed_scope,
      },
      by,
    );
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a trusted issuer (`?issuer=`)' })
  async remove(@Query('issuer') issuer: unknown, @AdminActor() by: SmartAdminActor): Promise<void> {
    if (typeof issuer !== 'string') throw OAuthError.notFound('no such trusted issuer');
    await this.admin.removeTrustedIssuer(issuer, by);
  }
}
