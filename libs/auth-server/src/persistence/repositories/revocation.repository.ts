import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Revocation, RevocationKind, StoredRevocation } from '../records/revocation.record.js';
import { guardDb } from '../persistence.errors.js';
import { smartTablesOf } from '../smart-table.names.js';
import { sqlRunnerFor } from '../sql.runner.js';
import type { StorageTransaction } from '../transaction.runner.js';

/** Serialises revocation inserts on PostgreSQL, so that ids become visible in commit order. */
const INSERT_LOCK = 0x534d5254;

interface Row {
  id: string | number;
  kind: string;
  target: string;
  issued_before: string | number | null;
  expires_at: string | number;
}

const toStored = (row: Row): StoredRevocation => ({
  id: Number(row.id),
  kind: row.kind as RevocationKind,
  target: row.target,
  issuedBefore: row.issued_before === null ? null : Number(row.issued_before),
  expiresAt: Number(row.expires_at),
});

/** What an authoritative revocation check matches on (a digest of the `jti`, not the `jti`). */
export interface RevocationProbe {
  jtiDigest: string;
  clientId: string;
  subject: string;
  /** The token's `iat`, epoch seconds. */
  issuedAt: number;
}

/** The revocation list's table (`token_revocation`): ids only grow, in commit order. */
@Injectable()
export class RevocationRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /** The `token_revocation` table in the data source's prefix. */
  private get table(): string {
    return smartTablesOf(this.dataSource).tokenRevocation;
  }

  /** Inserts entries inside `tx` (on PostgreSQL after taking the insert lock). */
  async insert(tx: StorageTransaction, entries: readonly Revocation[], now: number): Promise<void> {
    if (entries.length === 0) return;
    const params: unknown[] = [];
    const rows = entries.map((e) => {
      params.push(e.kind, e.target.slice(0, 255), e.issuedBefore, e.expiresAt, now);
      const n = params.length;
      const p = (i: number) => (this.postgres ? `$${n - 5 + i}` : '?');
      return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`;
    });
    if (this.postgres) await tx.query('SELECT pg_advisory_xact_lock($1)', [INSERT_LOCK]);
    await tx.query(
      `INSERT INTO ${this.table} (kind, target, issued_before, expires_at, created_at) VALUES ${rows.join(', ')}`,
      params,
    );
  }

  /** Whether an entry unexpired at `now` revokes the probed token. */
  async matches(probe: RevocationProbe, now: number): Promise<boolean> {
    const $ = (i: number) => (this.postgres ? `$${i}` : '?');
    const sql = `SELECT 1 AS hit FROM ${this.table} WHERE expires_at > ${$(1)} AND ((kind = 'jti' AND target = ${$(2)}) OR (kind = 'client' AND target = ${$(3)} AND issued_before >= ${$(4)}) OR (kind = 'subject' AND target = ${$(5)} AND issued_before >= ${$(6)})) LIMIT 1`;
    const rows = await guardDb(() =>
      sqlRunnerFor(this.dataSource).rows(sql, [
        now,
        probe.jtiDigest,
        probe.clientId,
        probe.issuedAt,
        probe.subject,
        probe.issuedAt,
      ]),
    );
    return rows.length > 0;
  }

  /** Entries after `cursor` unexpired at `now`, oldest first, at most `limit`. */
  async listAfter(cursor: number, now: number, limit: number): Promise<StoredRevocation[]> {
    const $ = (i: number) => (this.postgres ? `$${i}` : '?');
    const sql = `SELECT id, kind, target, issued_before, expires_at FROM ${this.table} WHERE id > ${$(1)} AND expires_at > ${$(2)} ORDER BY id LIMIT ${$(3)}`;
    const rows = await guardDb(() =>
      sqlRunnerFor(this.dataSource).rows<Row>(sql, [cursor, now, limit]),
    );
    return rows.map(toStored);
  }
}
