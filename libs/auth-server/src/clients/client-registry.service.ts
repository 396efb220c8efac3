import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ClientEntity } from '../persistence/client.entity.js';
import { guardDb } from '../persistence/persistence.errors.js';
import { verifyClientSecret } from './client-secret.js';
import type { ClientStatus, SmartClient, SmartClientMetadata } from './client.types.js';
import type { SmartClientType } from '../options/auth-server.options.js';

const CACHE_TTL_MS = 2000;

interface CacheEntry {
  entity: ClientEntity | null;
  until: number;
}

/**
 * The client registry (TypeORM), with a short cache that every change invalidates.
 * oidc-provider finds clients through `findClientMetadata`; only approved clients exist for it.
 */
@Injectable()
export class ClientRegistryService {
  private readonly repo: Repository<ClientEntity>;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(ClientEntity);
  }

  /** Drops cached copies (called after every change, and on change notices from other instances). */
  invalidate(clientId?: string): void {
    if (clientId === undefined) this.cache.clear();
    else this.cache.delete(clientId);
  }

  async findEntity(clientId: string): Promise<ClientEntity | null> {
    const hit = this.cache.get(clientId);
    if (hit && hit.until > Date.now()) return hit.entity;
    const entity = await guardDb(() => this.repo.findOneBy({ clientId }));
    this.cache.set(clientId, { entity, until: Date.now() + CACHE_TTL_MS });
    return entity;
  }

  async find(clientId: string): Promise<SmartClient | undefined> {
    const entity = await this.findEntity(clientId);
    return entity ? toClient(entity) : undefined;
  }

  /** Metadata for the engine; `undefined` (→ `invalid_client`) unless the client is approved. */
  async findClientMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    const entity = await this.findEntity(clientId);
    if (!entity || entity.status !== 'approved') return undefined;
    const metadata = JSON.parse(entity.metadata) as SmartClientMetadata;
    const { scope: _registeredScope, launch_modes: _modes, ...engineMetadata } = metadata;
    return {
      ...engineMetadata,
      client_id: entity.clientId,
      // The engine never sees the secret: comparison is delegated to `verifySecret`.
      ...(entity.secretHash ? { client_secret: 'stored-hashed' } : {}),
    };
  }

  /** Constant-time check against the current secret and, during the overlap, the previous one. */
  async verifySecret(clientId: string, presented: string): Promise<boolean> {
    const entity = await this.findEntity(clientId);
    if (!entity) return false;
    const current = verifyClientSecret(presented, entity.secretHash);
    const previousValid = Number(entity.previousSecretExpiresAt ?? 0) > Date.now();
    const previous = previousValid && verifyClientSecret(presented, entity.previousSecretHash);
    return current || previous;
  }

  async save(entity: ClientEntity): Promise<void> {
    await guardDb(() => this.repo.save(entity));
    this.invalidate(entity.clientId);
  }
}

export function toClient(entity: ClientEntity): SmartClient {
  return {
    clientId: entity.clientId,
    clientType: entity.clientType as SmartClientType,
    status: entity.status as ClientStatus,
    trusted: Boolean(entity.trusted),
    metadata: JSON.parse(entity.metadata) as SmartClientMetadata,
    createdBy: entity.createdBy,
    updatedBy: entity.updatedBy,
    createdAt: Number(entity.createdAt),
    updatedAt: Number(entity.updatedAt),
  };
}
