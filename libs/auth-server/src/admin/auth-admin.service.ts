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
import { SmartAuthAdmin, type SmartClientQuery, type SmartPage } from './auth-admin.port.js';
import type { SmartClient } from '../clients/client.types.js';
import { toClientView, type ClientViewDto } from './dto/client-view.dto.js';
import { toIssuedClientView, type IssuedClientViewDto } from './dto/issued-client-view.dto.js';

const HOST: SmartAdminActor = { actor: 'host' };

/** Whether a client matches the filters of a query. */
function clientFilter(query: SmartClientQuery): (client: SmartClient) => boolean {
  const text = query.search?.trim().toLowerCase();
  return (client) =>
    (!query.status || client.status === query.status) &&
    (!query.clientType || client.clientType === query.clientType) &&
    (!text ||
      [client.clientId, client.metadata.client_name ?? '', ...(client.metadata.redirect_uris ?? [])]
        .join('\n')
        .toLowerCase()
        .includes(text));
}

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
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    if (!query.search && !query.status && !query.clientType) {
      const { items, total } = await this.clients.list({ limit, offset });
      return { items: items.map(toClientView), total };
    }
    const matching = (await this.allClients()).filter(clientFilter(query));
    return {
      items: matching.slice(offset, offset + limit).map(toClientView),
      total: matching.length,
    };
  }

  /** Every client, oldest first (read a page at a time; a registry holds hundreds, not millions). */
  private async allClients(): Promise<SmartClient[]> {
    const all: SmartClient[] = [];
    for (;;) {
      const { items, total } = await this.clients.list({ limit: 500, offset: all.length });
      all.push(...items);
      if (items.length === 0 || all.length >= total) return all;
    }
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
      details: { ehrId: context.ehrId, patient: context.patient, requestId: by.requestId },
    });
    return created;
  }

  listAudit(query: Partial<AuditQuery> = {}): Promise<SmartPage<AuditEvent>> {
    return this.audit.list({ ...query, limit: query.limit ?? 50, offset: query.offset ?? 0 });
  }
}
