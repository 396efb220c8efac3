import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClientEntity } from '../client.entity.js';
import { guardDb } from '../persistence.errors.js';
import type { StorageTransaction } from '../transaction.runner.js';

/** A client as stored (table `oauth_client`); the registry caches and parses these. */
export type ClientRecord = ClientEntity;

/** Which clients a page holds (every given filter must match). */
export interface ClientFilter {
  /** Case-insensitive text in the client id, the name or a redirect URI. */
  search?: string;
  status?: string;
  clientType?: string;
}

/** `text` for a LIKE pattern escaped with a backslash: `%`, `_` and backslash match themselves. */
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The client registry's table. */
@Injectable()
export class ClientRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  find(clientId: string): Promise<ClientRecord | null> {
    return guardDb(() => this.dataSource.getRepository(ClientEntity).findOneBy({ clientId }));
  }

  /**
   * A page of clients, oldest first, matching `filter` in the query (exact paging): `search` is a
   * case-insensitive LIKE (its `%`, `_` and backslash taken literally) on the client id, the name and
   * the redirect URIs of the stored metadata JSON.
   */
  async page(
    page: { limit: number; offset: number },
    filter: ClientFilter = {},
  ): Promise<{ items: ClientRecord[]; total: number }> {
    const query = this.dataSource
      .getRepository(ClientEntity)
      .createQueryBuilder('c')
      .orderBy('c.createdAt', 'ASC')
      .addOrderBy('c.clientId', 'ASC')
      .take(page.limit)
      .skip(page.offset);
    if (filter.status) query.andWhere('c.status = :status', { status: filter.status });
    if (filter.clientType) query.andWhere('c.clientType = :type', { type: filter.clientType });
    const text = filter.search?.trim().toLowerCase();
    if (text) {
      const [name, uris] = this.postgres
        ? [
            "CAST(c.metadata AS json) ->> 'client_name'",
            "CAST(CAST(c.metadata AS json) -> 'redirect_uris' AS text)",
          ]
        : [
            "json_extract(c.metadata, '$.client_name')",
            "json_extract(c.metadata, '$.redirect_uris')",
          ];
      // Redirect URIs are matched in their JSON array text: the term as JSON spells it.
      const plain = `%${escapeLike(text)}%`;
      const inJson = `%${escapeLike(JSON.stringify(text).slice(1, -1))}%`;
      query.andWhere(
        `(LOWER(c.clientId) LIKE :plain ESCAPE '\\' OR LOWER(COALESCE(${name}, '')) LIKE :plain ESCAPE '\\' OR LOWER(COALESCE(${uris}, '')) LIKE :inJson ESCAPE '\\')`,
        { plain, inJson },
      );
    }
    const [items, total] = await guardDb(() => query.getManyAndCount());
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
