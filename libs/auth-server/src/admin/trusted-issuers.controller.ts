import { OAuthError } from '../errors/oauth.error.js';
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
import { ApiOperation, ApiTags } from './openapi.decorators.js';
import { parseScopes } from '@smart-openehr/scopes';
import { AdminActor } from './admin-actor.decorator.js';
import { AdminErrorFilter } from './admin-error.filter.js';
import { AdminScopes } from './admin-scopes.decorator.js';
import { AdminValidationPipe } from './admin-validation.pipe.js';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import { ClientMetadataError } from '../errors/client-metadata.error.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { validateClientJwks } from '../clients/jwks.validator.js';
import { TrustedIssuerDto } from './dto/trusted-issuer.dto.js';
import { TrustedIssuerService } from '../trusted-issuers/trusted-issuer.service.js';
import type { TrustedIssuer } from '../persistence/records/trusted-issuer.record.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';

/** Trusted assertion issuers for the RFC 7523 jwt-bearer grant (scope `admin`). */
@ApiTags('trusted-issuers')
@Controller(`${ROUTE_SEGMENTS.admin}/trusted-issuers`)
@AdminScopes('admin')
@UseFilters(AdminErrorFilter)
@UsePipes(AdminValidationPipe)
export class TrustedIssuersController {
  constructor(
    private readonly issuers: TrustedIssuerService,
    private readonly audit: AuditTrailService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List trusted issuers' })
  async list(): Promise<{ items: TrustedIssuer[] }> {
    return { items: await this.issuers.list() };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register (or replace) a trusted issuer' })
  async save(
    @Body() dto: TrustedIssuerDto,
    @AdminActor() actor: SmartAdminActor,
  ): Promise<TrustedIssuer> {
    if (Boolean(dto.jwks) === Boolean(dto.jwks_uri)) {
      throw new ClientMetadataError('jwks', 'exactly one of jwks and jwks_uri is required');
    }
    const jwks = dto.jwks ? await validateClientJwks(dto.jwks) : undefined;
    const invalid = parseScopes(dto.allowed_scope).invalid[0];
    if (invalid)
      throw new ClientMetadataError(
        'allowed_scope',
        `${invalid.raw} is invalid: ${invalid.reason}`,
      );
    const before = await this.issuers.find(dto.issuer);
    const saved = await this.issuers.save({
      issuer: dto.issuer,
      jwks: jwks,
      jwksUri: dto.jwks_uri,
      allowedSubjects: dto.allowed_subjects,
      allowedScope: dto.allowed_scope,
      createdAt: before?.createdAt ?? Date.now(),
    });
    await this.audit.record({
      actor: actor.actor,
      action: 'trusted_issuer.save',
      targetType: 'trusted_issuer',
      targetId: dto.issuer,
      before,
      after: saved,
    });
    return saved;
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a trusted issuer (`?issuer=`)' })
  async remove(
    @Query('issuer') issuer: string,
    @AdminActor() actor: SmartAdminActor,
  ): Promise<void> {
    if (typeof issuer !== 'string' || !(await this.issuers.remove(issuer))) {
      throw OAuthError.notFound('no such trusted issuer');
    }
    await this.audit.record({
      actor: actor.actor,
      action: 'trusted_issuer.delete',
      targetType: 'trusted_issuer',
      targetId: issuer,
    });
  }
}
