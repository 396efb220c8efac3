import {
  Body,
  Controller,
  Header,
  HttpCode,
  Inject,
  type OnModuleInit,
  Post,
  Req,
  UseFilters,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import { ApiExcludeController } from '../admin/openapi.decorators.js';
import { AdminErrorFilter } from '../admin/admin-error.filter.js';
import { AdminValidationPipe } from '../admin/admin-validation.pipe.js';
import { ClientMetadataDto } from '../admin/dto/client-metadata.dto.js';
import { ClientsService } from '../clients/clients.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineRoutes } from '../provider/ports/engine-routes.port.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { RegistrationGuard } from './registration.guard.js';
import { oauthEndpointPath } from '../common/smart.routes.js';

/**
 * Public dynamic client registration (RFC 7591) at `{mountPath}/auth/register`, served by Nest (the
 * path is reserved from the engine). Off by default (404). Clients registered here start
 * `pending`: they get no token until an administrator approves them. Unknown metadata members
 * are ignored, as RFC 7591 section 2 requires; `trusted` cannot be set here.
 * @see https://datatracker.ietf.org/doc/html/rfc7591#section-3
 */
@ApiExcludeController()
@Controller()
@UseFilters(AdminErrorFilter)
@UseGuards(RegistrationGuard)
@UsePipes(new AdminValidationPipe({ forbidUnknown: false }))
export class RegistrationController implements OnModuleInit {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly host: EngineRoutes,
    private readonly clients: ClientsService,
  ) {}

  onModuleInit(): void {
    this.host.reservePath(oauthEndpointPath(this.options.routes, 'registration'));
  }

  /** The route matches any `.../register`; `RegistrationGuard` admits only the mount's. */
  @Post('*mount/register')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async register(
    @Body() dto: ClientMetadataDto,
    @Req() req: { id?: unknown },
  ): Promise<Record<string, unknown>> {
    const { client, clientSecret } = await this.clients.create(
      { metadata: { ...dto }, status: 'pending', action: 'client.register' },
      { actor: 'registration', requestId: typeof req.id === 'string' ? req.id : undefined },
    );
    return {
      ...client.metadata,
      client_id: client.clientId,
      client_id_issued_at: Math.floor(client.createdAt / 1000),
      ...(clientSecret ? { client_secret: clientSecret, client_secret_expires_at: 0 } : {}),
      status: client.status,
    };
  }
}
