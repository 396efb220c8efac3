import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClientEntity } from '../client.entity.js';
import { guardDb } from '../persistence.errors.js';
import type { StorageTransaction } from '../transaction.runner.js';

/** A client as stored (table `oauth_client`); the registry caches and parses these. */
export type ClientRecord = ClientEntity;

/** The client registry's table. */
@Injectable()
export class ClientRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(clientId: string): Promise<ClientRecord | null> {
    return guardDb(() => this.dataSource.getRepository(ClientEntity).findOneBy({ clientId }));
  }

  /** A page of clients, oldest first. */
  async page(page: {
    limit: number;
    offset: number;
  }): Promise<{ items: ClientRecord[]; total: number }> {
    const [items, total] = await guardDb(() =>
      this.dataSource.getRepository(ClientEntity).findAndCount({
        order: { createdAt: 'ASC', clientId: 'ASC' },
        take: page.limit,
        skip: page.offset,
      }),
    );
    return { items, total };
  }

  /** Inserts a new client (a duplicate `client_id` throws the driver's unique violation). */
  async insert(client: ClientRecord, tx: StorageTransaction): Promise<void> {
    await tx.insert(ClientEntity, client);
  }

  /** Inserts or replaces a client. */
  async save(client: ClientRecord, tx: StorageTransaction): Promise<void> {
    await tx.save(ClientEntity, client);
  }

  /** @returns whether the client existed */
  async delete(clientId: string, tx: StorageTransaction): Promise<boolean> {
    return ((await tx.delete(ClientEntity, { clientId })).affected ?? 0) > 0;
  }
}
