import { randomUUID } from 'node:crypto';
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import type { ClientEntity } from '../persistence/client.entity.js';
import { isUniqueViolation } from '../persistence/persistence.errors.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { RevocationListService } from '../revocation/revocation-list.service.js';
import type { Revocation } from '../persistence/records/revocation.record.js';
import { buildClientAuditEvent } from './client-audit.builder.js';
import { ClientMetadataError } from '../errors/client-metadata.error.js';
import { mergeClientMetadataPatch } from './client-metadata.patch.js';
import {
  validateClientMetadata,
  type ValidatedClientMetadata,
} from './client-metadata.validator.js';
import { ClientRegistryService, toClient } from './client-registry.service.js';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret.js';
import { usesClientSecret } from './client-type.policy.js';
import type { ClientStatus, SmartClient } from './client.types.js';

/** A client plus, right after creation or rotation, its secret (shown once, never stored). */
export interface IssuedClient {
  client: SmartClient;
  clientSecret?: string;
}

export interface CreateClientCommand {
  /** RFC 7591 metadata plus SMART extras (`scope`, `launch_modes`). */
  metadata: Record<string, unknown>;
  /** `approved` for the admin API and CLI, `pending` for the registration endpoint. */
  status: ClientStatus;
  trusted?: boolean;
  /** Audit action; `client.create` by default, `client.register` for the registration endpoint. */
  action?: string;
}

/** A client fixed by configuration (the first admin client). */
export interface EnsureClientCommand {
  clientId: string;
  /** Required for secret-based clients. */
  secret?: string;
  metadata: Record<string, unknown>;
  trusted: boolean;
}

const notFound = (clientId: string) =>
  new NotFoundException({ error: 'not_found', error_description: `client ${clientId} not found` });

/**
 * Client management: the one path through which the admin API, the registration endpoint, the
 * CLI and the bootstrap create and change clients. Validates metadata against the client-type
 * policy, issues and rotates secrets (shown once), and writes the audit trail in the same
 * transaction as each change.
 */
@Injectable()
export class ClientsService {
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

  async create(command: CreateClientCommand, by: SmartAdminActor): Promise<IssuedClient> {
    const { clientType, metadata } = await this.validate(command.metadata);
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

  list(page: { limit: number; offset: number }): Promise<{ items: SmartClient[]; total: number }> {
    return this.registry.list(page);
  }

  async getOrFail(clientId: string): Promise<SmartClient> {
    return toClient(await this.entityOrFail(clientId));
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
    const entity = await this.entityOrFail(clientId);
    const before = toClient(entity);
    const merged = mergeClientMetadataPatch(before.metadata, patch.metadata);
    const { clientType, metadata } = await this.validate(merged);
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
    const client = await this.store(entity, 'client.update', before, by);
    return { client, clientSecret: secret };
  }

  async approve(clientId: string, by: SmartAdminActor): Promise<SmartClient> {
    return this.setStatus(clientId, 'approved', 'client.approve', by);
  }

  /**
   * Suspends a client: every instance refuses it (`invalid_client`) from its next request on, and
   * every access token it holds is revoked (the revocation list, in the same transaction).
   */
  async suspend(clientId: string, by: SmartAdminActor): Promise<SmartClient> {
    return this.setStatus(clientId, 'suspended', 'client.suspend', by, [this.cutoff(clientId)]);
  }

  /** Deletes a client and revokes every access token it holds. */
  async remove(clientId: string, by: SmartAdminActor): Promise<void> {
    const before = toClient(await this.entityOrFail(clientId));
    const revoked = [this.cutoff(clientId)];
    const removed = await this.registry.remove(clientId, async (manager) => {
      await this.audit.record(
        buildClientAuditEvent('client.delete', by, { target: before, before }),
        manager,
      );
      await this.revocations.insert(manager, revoked);
    });
    if (!removed) throw notFound(clientId);
    this.revocations.apply(revoked);
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

  /**
   * Issues a new secret; the previous one keeps working for `overlapSeconds` (default
   * `secretRotationOverlapSeconds`, at most `secretRotationMaxOverlapSeconds`). A secret that was
   * already in its overlap stops working now.
   */
  async rotateSecret(
    clientId: string,
    by: SmartAdminActor,
    overlapSeconds = this.options.secretRotationOverlapSeconds,
  ): Promise<IssuedClient> {
    const max = this.options.secretRotationMaxOverlapSeconds;
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > max) {
      throw new BadRequestException({
        error: 'invalid_request',
        error_description: `overlap_seconds must be an integer between 0 and ${max}`,
      });
    }
    const entity = await this.entityOrFail(clientId);
    if (!usesClientSecret(entity.clientType as SmartClient['clientType'])) {
      throw new BadRequestException({
        error: 'invalid_request',
        error_description: `client ${clientId} (${entity.clientType}) does not use a client secret`,
      });
    }
    const before = toClient(entity);
    const secret = generateClientSecret();
    const keepPrevious = overlapSeconds > 0 && entity.secretHash !== null;
    Object.assign(entity, {
      previousSecretHash: keepPrevious ? entity.secretHash : null,
      previousSecretExpiresAt: keepPrevious ? Date.now() + overlapSeconds * 1000 : null,
      secretHash: hashClientSecret(secret),
    });
    const client = await this.store(entity, 'client.rotate_secret', before, by, {
      overlap_seconds: overlapSeconds,
    });
    return { client, clientSecret: secret };
  }

  /**
   * Creates or updates a client fixed by configuration (same validation as every other path);
   * writes nothing when it is already as configured.
   */
  async ensure(
    command: EnsureClientCommand,
    by: SmartAdminActor,
  ): Promise<'created' | 'updated' | 'unchanged'> {
    const { clientType, metadata } = await this.validate(command.metadata);
    const secret = usesClientSecret(clientType) ? command.secret : undefined;
    if (usesClientSecret(clientType) && !secret) {
      throw new ClientMetadataError('secret', `client ${command.clientId} needs a secret`);
    }
    const existing = await this.registry.load(command.clientId);
    const json = JSON.stringify(metadata);
    if (
      existing?.metadata === json &&
      existing.status === 'approved' &&
      Boolean(existing.trusted) === command.trusted &&
      (secret ? verifyClientSecret(secret, existing.secretHash) : existing.secretHash === null)
    ) {
      return 'unchanged';
    }
    const now = Date.now();
    const entity: ClientEntity = {
      clientId: command.clientId,
      metadata: json,
      clientType,
      status: 'approved',
      trusted: command.trusted,
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
      return this.ensure(command, by); // another instance created it at the same moment
    }
  }

  private async setStatus(
    clientId: string,
    status: ClientStatus,
    action: string,
    by: SmartAdminActor,
    revoked: Revocation[] = [],
  ): Promise<SmartClient> {
    const entity = await this.entityOrFail(clientId);
    const before = toClient(entity);
    entity.status = status;
    return this.store(entity, action, before, by, {}, revoked);
  }

  private async store(
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
    this.revocations.apply(revoked);
    return after;
  }

  private async entityOrFail(clientId: string): Promise<ClientEntity> {
    const entity = await this.registry.load(clientId);
    if (!entity) throw notFound(clientId);
    return entity;
  }
}
