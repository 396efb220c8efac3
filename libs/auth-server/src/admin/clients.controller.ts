import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseFilters,
  UsePipes,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from './openapi.decorators.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { ClientSecretRotationService } from '../clients/client-secret-rotation.service.js';
import { ClientsService } from '../clients/clients.service.js';
import { AdminActor } from './admin-actor.decorator.js';
import { AdminErrorFilter } from './admin-error.filter.js';
import { AdminScopes } from './admin-scopes.decorator.js';
import { AdminValidationPipe } from './admin-validation.pipe.js';
import { ClientPageDto } from './dto/client-page.dto.js';
import { ClientViewDto, toClientView } from './dto/client-view.dto.js';
import { CreateClientDto } from './dto/create-client.dto.js';
import { ErrorResponseDto } from './dto/error-response.dto.js';
import { IssuedClientViewDto, toIssuedClientView } from './dto/issued-client-view.dto.js';
import { PageQueryDto } from './dto/page-query.dto.js';
import { RotateSecretDto } from './dto/rotate-secret.dto.js';
import { UpdateClientDto } from './dto/update-client.dto.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';

const metadataOf = ({
  trusted: _trusted,
  ...metadata
}: CreateClientDto): Record<string, unknown> => ({
  ...metadata,
});

/** Admin REST API for SMART apps (clients). Every change is audited. */
@ApiTags('clients')
@Controller(`${ROUTE_SEGMENTS.admin}/clients`)
@AdminScopes('admin')
@UseFilters(AdminErrorFilter)
@UsePipes(new AdminValidationPipe())
@ApiBadRequestResponse({
  description: 'invalid_request / invalid_client_metadata',
  type: ErrorResponseDto,
})
export class ClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly secrets: ClientSecretRotationService,
  ) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Register a client (approved at once); a secret client gets its secret here, once',
  })
  @ApiCreatedResponse({ type: IssuedClientViewDto })
  async create(
    @Body() dto: CreateClientDto,
    @AdminActor() by: SmartAdminActor,
  ): Promise<IssuedClientViewDto> {
    const issued = await this.clients.create(
      { metadata: metadataOf(dto), status: 'approved', trusted: dto.trusted },
      by,
    );
    return toIssuedClientView(issued);
  }

  @Get()
  @ApiOperation({ summary: 'List clients, oldest first' })
  @ApiOkResponse({ type: ClientPageDto })
  async list(@Query() query: PageQueryDto): Promise<ClientPageDto> {
    const { limit, offset } = query;
    const page = await this.clients.list({ limit, offset });
    return { items: page.items.map(toClientView), total: page.total, limit, offset };
  }

  @Get(':client_id')
  @ApiOperation({ summary: 'Read a client' })
  @ApiOkResponse({ type: ClientViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('client_id') clientId: string): Promise<ClientViewDto> {
    return toClientView(await this.clients.getOrFail(clientId));
  }

  @Patch(':client_id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Change metadata (JSON merge patch: null removes a member) and/or trusted',
    description:
      'A switch to client_secret_basic/post issues a secret, returned once in client_secret.',
  })
  @ApiOkResponse({ type: IssuedClientViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async update(
    @Param('client_id') clientId: string,
    @Body() dto: UpdateClientDto,
    @AdminActor() by: SmartAdminActor,
  ): Promise<IssuedClientViewDto> {
    const issued = await this.clients.update(
      clientId,
      { metadata: metadataOf(dto), trusted: dto.trusted },
      by,
    );
    return toIssuedClientView(issued);
  }

  @Delete(':client_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a client' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async remove(
    @Param('client_id') clientId: string,
    @AdminActor() by: SmartAdminActor,
  ): Promise<void> {
    await this.clients.remove(clientId, by);
  }

  @Post(':client_id/secret')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Rotate the secret; the previous one works for overlap_seconds more' })
  @ApiOkResponse({ type: IssuedClientViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async rotateSecret(
    @Param('client_id') clientId: string,
    @Body() dto: RotateSecretDto,
    @AdminActor() by: SmartAdminActor,
  ): Promise<IssuedClientViewDto> {
    return toIssuedClientView(await this.secrets.rotateSecret(clientId, by, dto.overlap_seconds));
  }

  @Post(':client_id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a pending or suspended client' })
  @ApiOkResponse({ type: ClientViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async approve(
    @Param('client_id') clientId: string,
    @AdminActor() by: SmartAdminActor,
  ): Promise<ClientViewDto> {
    return toClientView(await this.clients.approve(clientId, by));
  }

  @Post(':client_id/suspend')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Suspend a client: invalid_client on its next request, on every instance',
  })
  @ApiOkResponse({ type: ClientViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async suspend(
    @Param('client_id') clientId: string,
    @AdminActor() by: SmartAdminActor,
  ): Promise<ClientViewDto> {
    return toClientView(await this.clients.suspend(clientId, by));
  }
}
