import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OidcPayloadEntity } from '../oidc-payload.entity.js';
import { guardDb } from '../persistence.errors.js';
import { smartTablesOf } from '../smart-table.names.js';
import { sqlRunnerFor } from '../sql.runner.js';
import { TypeOrmOidcAdapter } from '../typeorm-oidc.adapter.js';

/** A stored engine row as read back raw: its stored (hashed) id and its JSON payload. */
export interface StoredPayloadRow {
  id: string;
  payload: string;
}

/** `LIKE` pattern for a JSON member, with `%`, `_` and `\` escaped (`ESCAPE '\'`). */
const memberPattern = (name: string, value: string): string =>
  `%${`${JSON.stringify(name)}:${JSON.stringify(value)}`.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The `oidc_payload` table: the engine's models (through one adapter per model) and our own
 * models kept beside them. The only place that constructs {@link TypeOrmOidcAdapter}.
 */
@Injectable()
export class OidcPayloadRepository {
  private readonly adapters = new Map<string, TypeOrmOidcAdapter>();

  constructor(private readonly dataSource: DataSource) {}

  /** The adapter for one model (created on first use: the data source is initialised by then). */
  forModel(model: string): TypeOrmOidcAdapter {
    let adapter = this.adapters.get(model);
    if (adapter === undefined) {
      adapter = new TypeOrmOidcAdapter(model, this.dataSource.getRepository(OidcPayloadEntity));
      this.adapters.set(model, adapter);
    }
    return adapter;
  }

  /** Rows of a model whose payload names `accountId` = `sub` exactly (expired ones included). */
  async findNamingAccount(model: string, sub: string): Promise<StoredPayloadRow[]> {
    const rows = await this.run<StoredPayloadRow>(
      `SELECT id, payload FROM ${this.table} WHERE model = $1 AND payload LIKE $2 ESCAPE '\\'`,
      [model, memberPattern('accountId', sub)],
    );
    // LIKE is a coarse filter (case-insensitive on SQLite): compare exactly.
    return rows.filter((row) => {
      try {
        return (JSON.parse(row.payload) as { accountId?: unknown }).accountId === sub;
      } catch {
        return false;
      }
    });
  }

  /** Deletes every row of a grant (codes, refresh tokens, our own per-grant rows). */
  async deleteByGrantId(grantId: string): Promise<void> {
    await this.run(`DELETE FROM ${this.table} WHERE grant_id = $1`, [grantId]);
  }

  /** Deletes one row by its stored id (as {@link findNamingAccount} returned it). */
  async deleteStored(model: string, storedId: string): Promise<void> {
    await this.run(`DELETE FROM ${this.table} WHERE model = $1 AND id = $2`, [model, storedId]);
  }

  /** The `oidc_payload` table in the data source's prefix. */
  private get table(): string {
    return smartTablesOf(this.dataSource).oidcPayload;
  }

  private run<T = unknown>(sql: string, params: unknown[]): Promise<T[]> {
    const text = this.dataSource.options.type === 'postgres' ? sql : sql.replace(/\$\d+/g, '?');
    return guardDb(() => sqlRunnerFor(this.dataSource).rows<T>(text, params));
  }
}
