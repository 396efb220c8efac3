import { Injectable } from '@nestjs/common';
import { ExpiringCache } from '../common/expiring.cache.js';
import type { ClientEntity } from '../persistence/client.entity.js';
import { ChangeNoticesService } from '../persistence/change-notices.service.js';
import {
  ClientRepository,
  type ClientFilter,
} from '../persistence/repositories/client.repository.js';
import { TransactionRunner, type StorageTransaction } from '../persistence/transaction.runner.js';
import { CLIENT_CHANGE_CHANNEL } from '../persistence/change-notice.listener.js';
import { verifyClientSecret } from './client-secret.hasher.js';
import type { ClientStatus, SmartClient, SmartClientMetadata } from './client.types.js';
import type { SmartClientType } from '../options/auth-server.options.js';

/** Cache lifetime without change notices (SQLite: other processes such as the CLI may write). */
const LOCAL_CACHE_TTL_MS = 2000;
/** Cache lifetime while PostgreSQL change notices arrive (a safety net only). */
const NOTIFIED_CACHE_TTL_MS = 10_000;
/** How long a writer waits for its own change notice to come back (it reached the listeners). */
const ECHO_TIMEOUT_MS = 1000;
/**
 * After its own notice came back, a writer waits this much longer: the server sends the notice to
 * every listener at once, and other instances need a moment (their event loop may be busy) to
 * handle it before the writer's caller acts on the change elsewhere.
 */
const PROPAGATION_GRACE_MS = 50;
/**
 * Most clients cached at once (oldest dropped first). Unknown ids are cached too (as `null`), so
 * requests naming random client ids must not grow the cache without end.
 */
const MAX_CACHED_CLIENTS = 10_000;

/** Work done inside the same transaction as a client change (e.g. the audit record). */
export type ClientChangeWork = (tx: StorageTransaction) => Promise<void>;

/**
 * The client registry (TypeORM table `oauth_client`) with a cache that every change invalidates
 * at once: locally, and on PostgreSQL on every instance through LISTEN/NOTIFY on
 * {@link CLIENT_CHANGE_CHANNEL}. While the listener is down nothing is cached. oidc-provider finds
 * clients through `findClientMetadata`; only approved clients exist for it.
 */
@Injectable()
export class ClientRegistryService {
  private readonly cache = new ExpiringCache<ClientEntity | null>(MAX_CACHED_CLIENTS);
  private readonly echoWaiters = new Map<string, Set<() => void>>();
  private generation = 0;
  private cacheTtlMs: number;
  private listening = false;
  /** Parsed views of cached rows (keyed by the row object, so they go when the row goes). */
  private readonly views = new WeakMap<
    ClientEntity,
    { client: SmartClient; engine?: Record<string, unknown> }
  >();

  constructor(
    private readonly clients: ClientRepository,
    private readonly transactions: TransactionRunner,
    private readonly notices: ChangeNoticesService,
  ) {
    // With notices, nothing is cached until the listener is up.
    this.cacheTtlMs = notices.enabled ? 0 : LOCAL_CACHE_TTL_MS;
    notices.subscribe(CLIENT_CHANGE_CHANNEL, {
      notice: (clientId) => this.onNotice(clientId),
      connection: (up) => this.onListener(up),
    });
  }

  /** Drops cached copies (called after every change, and on change notices from other instances). */
  invalidate(clientId?: string): void {
    this.generation += 1;
    if (clientId === undefined) this.cache.clear();
    else this.cache.delete(clientId);
  }

  async findEntity(clientId: string): Promise<ClientEntity | null> {
    const hit = this.cache.get(clientId);
    if (hit !== undefined) return hit;
    const generation = this.generation;
    const entity = await this.clients.find(clientId);
    // A change notice that arrived during the read makes the row stale: do not cache it.
    if (this.cacheTtlMs > 0 && generation === this.generation) {
      this.cache.set(clientId, entity, Date.now() + this.cacheTtlMs);
    }
    return entity;
  }

  /** Reads the row from the database, bypassing the cache (for read-modify-write). */
  load(clientId: string): Promise<ClientEntity | null> {
    return this.clients.find(clientId);
  }

  async find(clientId: string): Promise<SmartClient | undefined> {
    const entity = await this.findEntity(clientId);
    return entity ? this.view(entity).client : undefined;
  }

  private view(entity: ClientEntity): { client: SmartClient; engine?: Record<string, unknown> } {
    let view = this.views.get(entity);
    if (!view) {
      view = { client: toClient(entity) };
      this.views.set(entity, view);
    }
    return view;
  }

  /** Metadata for the engine; `undefined` (→ `invalid_client`) unless the client is approved. */
  async findClientMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    const entity = await this.findEntity(clientId);
    if (!entity || entity.status !== 'approved') return undefined;
    const view = this.view(entity);
    if (!view.engine) {
      const { scope: _scope, launch_modes: _modes, ...engineMetadata } = view.client.metadata;
      view.engine = {
        ...engineMetadata,
        client_id: entity.clientId,
        // The engine never sees the secret: comparison is delegated to `verifySecret`.
        ...(entity.secretHash ? { client_secret: 'stored-hashed' } : {}),
      };
    }
    return view.engine;
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

  /** A page of clients, oldest first, matching `filter`. */
  async list(
    page: { limit: number; offset: number },
    filter?: ClientFilter,
  ): Promise<{ items: SmartClient[]; total: number }> {
    const { items, total } = await this.clients.page(page, filter);
    return { items: items.map(toClient), total };
  }

  /** Inserts a new client (a duplicate `client_id` throws the driver's unique violation). */
  async insert(entity: ClientEntity, also?: ClientChangeWork): Promise<void> {
    await this.write(entity.clientId, async (tx) => {
      await this.clients.insert(entity, tx);
      await also?.(tx);
    });
  }

  /** Inserts or replaces a client. */
  async save(entity: ClientEntity, also?: ClientChangeWork): Promise<void> {
    await this.write(entity.clientId, async (tx) => {
      await this.clients.save(entity, tx);
      await also?.(tx);
    });
  }

  /** Deletes a client; returns whether it existed. */
  async remove(clientId: string, also?: ClientChangeWork): Promise<boolean> {
    let existed = false;
    await this.write(clientId, async (tx) => {
      existed = await this.clients.delete(clientId, tx);
      if (existed) await also?.(tx);
    });
    return existed;
  }

  /**
   * One transaction; on PostgreSQL it also sends the change notice, which PostgreSQL delivers
   * at commit (so no notice without the change, nor a change without its notice). Returns once
   * the notice came back to this instance's own listener, i.e. reached every listener.
   */
  private async write(clientId: string, work: ClientChangeWork): Promise<void> {
    const echo = this.listening ? this.waitForEcho(clientId) : Promise.resolve();
    try {
      await this.transactions.run(async (tx) => {
        await work(tx);
        await this.notices.notify(tx, CLIENT_CHANGE_CHANNEL, clientId);
      });
    } finally {
      this.invalidate(clientId);
    }
    await echo;
    if (this.listening) await new Promise((resolve) => setTimeout(resolve, PROPAGATION_GRACE_MS));
  }

  private waitForEcho(clientId: string): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.echoWaiters.get(clientId) ?? new Set<() => void>();
      this.echoWaiters.set(clientId, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.echoWaiters.delete(clientId);
        resolve();
      };
      const timer = setTimeout(done, ECHO_TIMEOUT_MS);
      timer.unref();
      waiters.add(done);
    });
  }

  private onNotice(clientId: string): void {
    this.invalidate(clientId);
    for (const done of [...(this.echoWaiters.get(clientId) ?? [])]) done();
  }

  private onListener(up: boolean): void {
    this.listening = up;
    // Notices may have been missed while down: forget everything, cache only while listening.
    this.invalidate();
    this.cacheTtlMs = up ? NOTIFIED_CACHE_TTL_MS : 0;
  }
}

export function toClient(entity: ClientEntity): SmartClient {
  return {
    clientId: entity.clientId,
    clientType: entity.clientType as SmartClientType,
    status: entity.status as ClientStatus,
    trusted: Boolean(entity.trusted),
    metadata: JSON.parse(entity.metadata) as SmartClientMetadata,
    hasSecret: Boolean(entity.secretHash),
    previousSecretExpiresAt:
      entity.previousSecretExpiresAt === null ? null : Number(entity.previousSecretExpiresAt),
    createdBy: entity.createdBy,
    updatedBy: entity.updatedBy,
    createdAt: Number(entity.createdAt),
    updatedAt: Number(entity.updatedAt),
  };
}
