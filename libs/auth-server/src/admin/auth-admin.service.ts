import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { AuditEvent, AuditQuery } from '../audit/audit.types.js';
import { ClientSecretRotationService } from '../clients/client-secret-rotation.service.js';
import { ClientSeedingService } from '../clients/client-seeding.service.js';
import { ClientsService } from '../clients/clients.service.js';
import { OAuthError } from '../errors/oauth.error.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import type { SmartLaunchContext } from '../vocabulary/launch-context.types.js';
import { LaunchService } from '../launch/launch.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineKeys } from '../provider/ports/engine-keys.port.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import type { SmartSeedClient } from '../options/seed-client.types.js';
import {
  SmartAuthAdmin,
  type SmartClientQuery,
  type SmartPage,
  type SmartTrustedIssuerInput,
} from './auth-admin.port.js';
import type { SmartSigningKeyInfo } from '../keys/signing-key-info.types.js';
import type { TrustedIssuer } from '../persistence/records/trusted-issuer.record.js';
import { TrustedIssuerService } from '../trusted-issuers/trusted-issuer.service.js';
import { toClientView, type ClientViewDto } from './dto/client-view.dto.js';
import { toIssuedClientView, type IssuedClientViewDto } from './dto/issued-client-view.dto.js';

const HOST: SmartAdminActor = { actor: 'host' };

/** {@link SmartAuthAdmin} over the services the admin API uses; also seeds the `clients` option. */
@Injectable()
export class SmartAuthAdminService extends SmartAuthAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('SmartAuthAdmin');

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly clients: ClientsService,
    private readonly secrets: ClientSecretRotationService,
    private readonly seeding: ClientSeedingService,
    private readonly keys: SigningKeysService,
    private readonly host: EngineKeys,
    private readonly launches: LaunchService,
    private readonly audit: AuditTrailService,
    private readonly issuers: TrustedIssuerService,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const client of this.options.clients) {
      const outcome = await this.ensureClient(client, { actor: 'configuration' });
      this.logger.log(`client ${client.clientId} ready (${outcome})`);
    }
  }

  async createClient(
    metadata: Record<string, unknown>,
    options: { trusted?: boolean; by?: SmartAdminActor } = {},
  ): Promise<IssuedClientViewDto> {
    const issued = await this.clients.create(
      { metadata, status: 'approved', trusted: options.trusted },
      options.by ?? HOST,
    );
    return toIssuedClientView(issued);
  }

  ensureClient(
    client: SmartSeedClient,
    by: SmartAdminActor = HOST,
  ): Promise<'created' | 'updated' | 'unchanged'> {
    return this.seeding.ensure(client, by);
  }

  async listClients(query: SmartClientQuery = {}): Promise<SmartPage<ClientViewDto>> {
    const { items, total } = await this.clients.list(
      { limit: query.limit ?? 50, offset: query.offset ?? 0 },
      { search: query.search, status: query.status, clientType: query.clientType },
    );
    return { items: items.map(toClientView), total };
  }

  async getClient(clientId: string): Promise<ClientViewDto> {
    return toClientView(await this.clients.getOrFail(clientId));
  }

  async approveClient(
    clientId: string,
    by: SmartAdminActor = HOST,
    reason?: string,
  ): Promise<ClientViewDto> {
    return toClientView(await this.clients.approve(clientId, by, reason));
  }

  async suspendClient(
    clientId: string,
    by: SmartAdminActor = HOST,
    reason?: string,
  ): Promise<ClientViewDto> {
    return toClientView(await this.clients.suspend(clientId, by, reason));
  }

  deleteClient(clientId: string, by: SmartAdminActor = HOST): Promise<void> {
    return this.clients.remove(clientId, by);
  }

  async rotateClientSecret(
    clientId: string,
    options: { overlapSeconds?: number; by?: SmartAdminActor } = {},
  ): Promise<IssuedClientViewDto> {
    const issued = await this.secrets.rotateSecret(
      clientId,
      options.by ?? HOST,
      options.overlapSeconds,
    );
    return toIssuedClientView(issued);
  }

  listTrustedIssuers(): Promise<TrustedIssuer[]> {
    return this.issuers.list();
  }

  saveTrustedIssuer(
    input: SmartTrustedIssuerInput,
    by: SmartAdminActor = HOST,
  ): Promise<TrustedIssuer> {
    return this.issuers.register(input, by);
  }

  removeTrustedIssuer(issuer: string, by: SmartAdminActor = HOST): Promise<void> {
    return this.issuers.unregister(issuer, by);
  }

  listSigningKeys(): Promise<SmartSigningKeyInfo[]> {
    return this.keys.describe();
  }

  async rotateSigningKeys(by: SmartAdminActor = HOST): Promise<string[]> {
    const published = (await this.keys.rotate()).filter((kid) => !kid.startsWith('cookie'));
    await this.host.refresh();
    await this.audit.record({
      actor: by.actor,
      action: 'keys.rotate',
      targetType: 'signing_key',
      details: { published },
    });
    return published;
  }

  async createLaunch(
    context: SmartLaunchContext,
    options: { clientId?: string; by?: SmartAdminActor } = {},
  ): Promise<{ launch: string; expires_in: number }> {
    if (!context.ehrId && !context.patient) {
      throw OAuthError.invalidRequest('ehrId or patient is required');
    }
    if (context.episodeId && !this.options.launch.episodeContext) {
      throw OAuthError.invalidRequest('episodeId is not enabled on this platform');
    }
    const by = options.by ?? HOST;
    const created = await this.launches.create(context, options.clientId, by.actor);
    await this.audit.record({
      actor: by.actor,
      action: 'launch.create',
      targetType: 'launch',
      targetId: options.clientId,
      details: {
        ehrId: context.ehrId,
        patient: context.patient,
        ...(by.requestId ? { request_id: by.requestId } : {}),
      },
    });
    return created;
  }

  listAudit(query: Partial<AuditQuery> = {}): Promise<SmartPage<AuditEvent>> {
    return this.audit.list({ ...query, limit: query.limit ?? 50, offset: query.offset ?? 0 });
  }
}
