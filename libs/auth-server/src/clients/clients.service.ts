import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import type { ClientEntity } from '../persistence/client.entity.js';
import type { ClientFilter } from '../persistence/repositories/client.repository.js';
import type { Revocation } from '../persistence/records/revocation.record.js';
import { RevocationListService } from '../revocation/revocation-list.service.js';
import { buildClientAuditEvent } from './client-audit.builder.js';
import { ClientChangeService, clientNotFound } from './client-change.service.js';
import { mergeClientMetadataPatch } from './client-metadata.patch.js';
import { ClientRegistryService, toClient } from './client-registry.service.js';
import { generateClientSecret, hashClientSecret } from './client-secret.hasher.js';
import { usesClientSecret } from './client-type.policy.js';
import type { ClientStatus, IssuedClient, SmartClient } from './client.types.js';

export interface CreateClientCommand {
  /** RFC 7591 metadata plus SMART extras (`scope`, `launch_modes`). */
  metadata: Record<string, unknown>;
  /** `approved` for the admin API and CLI, `pending` for the registration endpoint. */
  status: ClientStatus;
  trusted?: boolean;
  /** Audit action; `client.create` by default, `client.register` for the registration endpoint. */
  action?: string;
}

/**
 * Client management: the one path through which the admin API, the registration endpoint and the
 * CLI create, change, approve, suspend and delete clients. Validates metadata against the
 * client-type policy, issues secrets (shown once), and writes the audit trail in the same
 * transaction as each change. Secret rotation and declared clients have their own services
 * (`ClientSecretRotationService`, `ClientSeedingService`).
 */
@Injectable()
export class ClientsService {
  constructor(
    private readonly changes: ClientChangeService,
    private readonly registry: ClientRegistryService,
    private readonly audit: AuditTrailService,
    private readonly revocations: RevocationListService,
  ) {}

  async create(command: CreateClientCommand, by: SmartAdminActor): Promise<IssuedClient> {
    const { clientType, metadata } = await this.changes.validate(command.metadata);
    const secret = usesClientSecret(clientType) ? generateClientSecret() : undefined;
    const now = Date.now();
    const entity: ClientEntity = {
      clientId: randomUUID(),
      metadata: JSON.stringify(metadata),
      clientType,
      status: command.status,
      trusted: Boolean(command.trusted),
      secretHash: secret ? hashClientSecret(secret) : null,
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      createdBy: by.actor,
      updatedBy: by.actor,
      createdAt: now,
      updatedAt: now,
    };
    const client = toClient(entity);
    await this.registry.insert(entity, (manager) =>
      this.audit
        .record(
          buildClientAuditEvent(command.action ?? 'client.create', by, {
            target: client,
            after: client,
          }),
          manager,
        )
        .then(() => undefined),
    );
    return { client, clientSecret: secret };
  }

  /** A page of clients, oldest first, matching `filter` (search, status, client type). */
  list(
    page: { limit: number; offset: number },
    filter?: ClientFilter,
  ): Promise<{ items: SmartClient[]; total: number }> {
    return this.registry.list(page, filter);
  }

  async getOrFail(clientId: string): Promise<SmartClient> {
    return toClient(await this.changes.entityOrFail(clientId));
  }

  /**
   * Applies a JSON merge patch to the metadata (`null` removes a member) and/or sets `trusted`,
   * then validates the result as a whole. A switch to a secret-based method issues a secret.
   */
  async update(
    clientId: string,
    patch: { metadata: Record<string, unknown>; trusted?: boolean },
    by: SmartAdminActor,
  ): Promise<IssuedClient> {
    const entity = await this.changes.entityOrFail(clientId);
    const before = toClient(entity);
    const merged = mergeClientMetadataPatch(before.metadata, patch.metadata);
    const { clientType, metadata } = await this.changes.validate(merged);
    let secret: string | undefined;
    if (!usesClientSecret(clientType)) {
      Object.assign(entity, {
        secretHash: null,
        previousSecretHash: null,
        previousSecretExpiresAt: null,
      });
    } else if (!entity.secretHash) {
      secret = generateClientSecret();
      entity.secretHash = hashClientSecret(secret);
    }
    Object.assign(entity, {
      metadata: JSON.stringify(metadata),
      clientType,
      trusted: patch.trusted ?? Boolean(entity.trusted),
    });
    const client = await this.changes.store(entity, 'client.update', before, by);
    return { client, clientSecret: secret };
  }

  /** Approves a pending or suspended client; `reason` goes into the audit event. */
  async approve(clientId: string, by: SmartAdminActor, reason?: string): Promise<SmartClient> {
    return this.setStatus(clientId, 'approved', 'client.approve', by, [], reason);
  }

  /**
   * Suspends a client: every instance refuses it (`invalid_client`) from its next request on, and
   * every access token it holds is revoked (the revocation list, in the same transaction).
   */
  async suspend(clientId: string, by: SmartAdminActor, reason?: string): Promise<SmartClient> {
    const revoked = [this.cutoff(clientId)];
    return this.setStatus(clientId, 'suspended', 'client.suspend', by, revoked, reason);
  }

  /** Deletes a client and revokes every access token it holds. */
  async remove(clientId: string, by: SmartAdminActor): Promise<void> {
    const before = toClient(await this.changes.entityOrFail(clientId));
    const revoked = [this.cutoff(clientId)];
    const removed = await this.registry.remove(clientId, async (manager) => {
      await this.audit.record(
        buildClientAuditEvent('client.delete', by, { target: before, before }),
        manager,
      );
      await this.revocations.insert(manager, revoked);
    });
    if (!removed) throw clientNotFound(clientId);
    this.revocations.apply(revoked, 'client');
  }

  /** Every token of the client issued up to now. */
  private cutoff(clientId: string): Revocation {
    const now = Date.now();
    return {
      kind: 'client',
      target: clientId,
      issuedBefore: Math.floor(now / 1000),
      expiresAt: this.revocations.cutoffExpiry(now),
    };
  }

  private async setStatus(
    clientId: string,
    status: ClientStatus,
    action: string,
    by: SmartAdminActor,
    revoked: Revocation[] = [],
    reason?: string,
  ): Promise<SmartClient> {
    const entity = await this.changes.entityOrFail(clientId);
    const before = toClient(entity);
    entity.status = status;
    const details = reason ? { reason: reason.slice(0, 500) } : {};
    return this.changes.store(entity, action, before, by, details, revoked);
  }
}
