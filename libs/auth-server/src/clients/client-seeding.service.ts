import { Injectable } from '@nestjs/common';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { ClientMetadataError } from '../errors/client-metadata.error.js';
import type { SmartSeedClient } from '../options/seed-client.types.js';
import type { ClientEntity } from '../persistence/client.entity.js';
import { isUniqueViolation } from '../persistence/persistence.errors.js';
import { buildClientAuditEvent } from './client-audit.builder.js';
import { ClientChangeService } from './client-change.service.js';
import { ClientRegistryService, toClient } from './client-registry.service.js';
import { hashClientSecret, verifyClientSecret } from './client-secret.hasher.js';
import { usesClientSecret } from './client-type.policy.js';

/**
 * Clients declared by the host (the `clients` option and `SmartAuthAdmin.ensureClient`): brought
 * to their declaration, always approved, validated like every other client.
 */
@Injectable()
export class ClientSeedingService {
  constructor(
    private readonly changes: ClientChangeService,
    private readonly registry: ClientRegistryService,
    private readonly audit: AuditTrailService,
  ) {}

  /**
   * Creates or updates a client fixed by configuration (same validation as every other path);
   * writes nothing when it is already as configured.
   */
  async ensure(
    declared: SmartSeedClient,
    by: SmartAdminActor,
  ): Promise<'created' | 'updated' | 'unchanged'> {
    const { clientType, metadata } = await this.changes.validate(declared.metadata);
    const secret = usesClientSecret(clientType) ? declared.secret : undefined;
    if (usesClientSecret(clientType) && !secret) {
      throw new ClientMetadataError('secret', `client ${declared.clientId} needs a secret`);
    }
    const trusted = Boolean(declared.trusted);
    const existing = await this.registry.load(declared.clientId);
    const json = JSON.stringify(metadata);
    if (
      existing?.metadata === json &&
      existing.status === 'approved' &&
      Boolean(existing.trusted) === trusted &&
      (secret ? verifyClientSecret(secret, existing.secretHash) : existing.secretHash === null)
    ) {
      return 'unchanged';
    }
    const now = Date.now();
    const entity: ClientEntity = {
      clientId: declared.clientId,
      metadata: json,
      clientType,
      status: 'approved',
      trusted,
      secretHash: secret ? hashClientSecret(secret) : null,
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      createdBy: existing?.createdBy ?? by.actor,
      updatedBy: by.actor,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    const before = existing ? toClient(existing) : undefined;
    const after = toClient(entity);
    const record = (manager: Parameters<AuditTrailService['record']>[1]) =>
      this.audit
        .record(
          buildClientAuditEvent('client.bootstrap', by, { target: after, before, after }),
          manager,
        )
        .then(() => undefined);
    if (existing) {
      await this.registry.save(entity, record);
      return 'updated';
    }
    try {
      await this.registry.insert(entity, record);
      return 'created';
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return this.ensure(declared, by); // another instance created it at the same moment
    }
  }
}
