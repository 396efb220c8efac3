import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import type { ClientEntity } from '../persistence/client.entity.js';
import type { Revocation } from '../persistence/records/revocation.record.js';
import { RevocationListService } from '../revocation/revocation-list.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { buildClientAuditEvent } from './client-audit.builder.js';
import {
  validateClientMetadata,
  type ValidatedClientMetadata,
} from './client-metadata.validator.js';
import { ClientRegistryService, toClient } from './client-registry.service.js';
import type { SmartClient } from './client.types.js';

export const clientNotFound = (clientId: string) =>
  new NotFoundException({ error: 'not_found', error_description: `client ${clientId} not found` });

/**
 * The steps every client change shares (the CRUD, secret rotation and seeding services): metadata
 * validation with the configured extra scopes, loading a client or failing with 404, and storing a
 * changed client with its audit row and revocations in one transaction.
 */
@Injectable()
export class ClientChangeService {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly registry: ClientRegistryService,
    private readonly audit: AuditTrailService,
    private readonly revocations: RevocationListService,
  ) {}

  /** Validates metadata without storing anything. */
  validate(metadata: Record<string, unknown>): Promise<ValidatedClientMetadata> {
    return validateClientMetadata(metadata, { extraScopes: this.options.extraScopes });
  }

  async entityOrFail(clientId: string): Promise<ClientEntity> {
    const entity = await this.registry.load(clientId);
    if (!entity) throw clientNotFound(clientId);
    return entity;
  }

  /** Saves a changed client; the audit row and the revocations go in the same transaction. */
  async store(
    entity: ClientEntity,
    action: string,
    before: SmartClient,
    by: SmartAdminActor,
    details: Record<string, unknown> = {},
    revoked: Revocation[] = [],
  ): Promise<SmartClient> {
    entity.updatedBy = by.actor;
    entity.updatedAt = Math.max(Date.now(), Number(entity.updatedAt) + 1);
    const after = toClient(entity);
    await this.registry.save(entity, async (manager) => {
      await this.audit.record(
        buildClientAuditEvent(action, by, { target: after, before, after }, details),
        manager,
      );
      await this.revocations.insert(manager, revoked);
    });
    this.revocations.apply(revoked, 'client');
    return after;
  }
}
