import { createHash } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import type { OidcPayloadEntity } from './oidc-payload.entity.js';
import { AlreadyConsumedError, guardDb, ReplayDetectedError } from './persistence.errors.js';
import { consumeOnce } from './single-use.query.js';
import { smartTablesOf } from './smart-table.names.js';
import { sqlRunnerFor } from './sql.runner.js';

/** What oidc-provider hands the adapter; a loose record. */
export type OidcStoredPayload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  jti?: string;
  consumed?: number;
};

/**
 * Token models whose id is the secret token value: stored under a hash, without the `jti` in the
 * payload, so a database dump yields nothing usable.
 */
const SECRET_ID_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'PushedAuthorizationRequest',
]);

const hashId = (id: string): string => createHash('sha256').update(id).digest('base64url');
const toNumber = (v: string | number | null): number | null => (v === null ? null : Number(v));

interface Row {
  payload: string;
  expires_at: string | number | null;
  consumed_at: string | number | null;
}

const COLUMNS = 'model, id, payload, grant_id, user_code, uid, expires_at, consumed_at';

/** The statements on `table`, written once per dialect (`$n` for PostgreSQL, `?` for SQLite). */
function statements(postgres: boolean, table: string) {
  const $ = (i: number) => (postgres ? `$${i}` : '?');
  const values = Array.from({ length: 8 }, (_, i) => $(i + 1)).join(', ');
  const byKey = (column: string) => `model = ${$(1)} AND ${column} = ${$(2)}`;
  const read = `SELECT payload, expires_at, consumed_at FROM ${table}`;
  return {
    upsert: `INSERT INTO ${table} (${COLUMNS}) VALUES (${values}) ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at, consumed_at = excluded.consumed_at`,
    insertOnce: `INSERT INTO ${table} (${COLUMNS}) VALUES (${values}) ON CONFLICT (model, id) DO NOTHING RETURNING id`,
    find: `${read} WHERE ${byKey('id')}`,
    findByUid: `${read} WHERE ${byKey('uid')}`,
    findByUserCode: `${read} WHERE ${byKey('user_code')}`,
    destroy: `DELETE FROM ${table} WHERE ${byKey('id')}`,
    revokeByGrantId: `DELETE FROM ${table} WHERE grant_id = ${$(1)}`,
  };
}

type Statements = ReturnType<typeof statements>;

/** Statements by dialect and table: one adapter per model shares them. */
const STATEMENTS = new Map<string, Statements>();

function statementsFor(postgres: boolean, table: string): Statements {
  const key = `${postgres ? 'postgres' : 'sqlite'}:${table}`;
  let found = STATEMENTS.get(key);
  if (found === undefined) {
    found = statements(postgres, table);
    STATEMENTS.set(key, found);
  }
  return found;
}

/**
 * oidc-provider storage adapter over TypeORM's connection (SQLite or PostgreSQL), with plain
 * parameterised SQL run on the driver ({@link sqlRunnerFor}). Single-use operations are atomic in
 * the database: `consume` is a conditional UPDATE, replay records are insert-only.
 * @see https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js
 */
export class TypeOrmOidcAdapter {
  private readonly sql: Statements;
  private readonly dataSource: DataSource;
  private readonly table: string;

  constructor(
    private readonly model: string,
    repo: Repository<OidcPayloadEntity>,
  ) {
    this.dataSource = repo.manager.connection;
    this.table = smartTablesOf(this.dataSource).oidcPayload;
    this.sql = statementsFor(this.dataSource.options.type === 'postgres', this.table);
  }

  private query<T = unknown>(sql: string, params: unknown[]): Promise<T[]> {
    return guardDb(() => sqlRunnerFor(this.dataSource).rows<T>(sql, params));
  }

  private params(id: string, payload: OidcStoredPayload, expiresIn?: number): unknown[] {
    const stored: OidcStoredPayload = { ...payload };
    if (SECRET_ID_MODELS.has(this.model)) delete stored.jti;
    return [
      this.model,
      hashId(id),
      JSON.stringify(stored),
      payload.grantId ?? null,
      payload.userCode ?? null,
      payload.uid ?? null,
      expiresIn ? Date.now() + expiresIn * 1000 : null,
      null,
    ];
  }

  /** Replay records are insert-only: a second record under an id is refused. */
  async upsert(id: string, payload: OidcStoredPayload, expiresIn?: number): Promise<void> {
    if (this.model === 'ReplayDetection') {
      if (!(await this.insertOnce(id, payload, expiresIn))) throw new ReplayDetectedError();
      return;
    }
    await this.query(this.sql.upsert, this.params(id, payload, expiresIn));
  }

  /** Inserts unless a row has the id; atomic. @returns whether this call inserted it. */
  async insertOnce(id: string, payload: OidcStoredPayload, expiresIn?: number): Promise<boolean> {
    const inserted = await this.query(this.sql.insertOnce, this.params(id, payload, expiresIn));
    return inserted.length > 0;
  }

  async find(id: string): Promise<OidcStoredPayload | undefined> {
    const rows = await this.query<Row>(this.sql.find, [this.model, hashId(id)]);
    return this.toPayload(rows[0], id);
  }

  async findByUid(uid: string): Promise<OidcStoredPayload | undefined> {
    return this.toPayload((await this.query<Row>(this.sql.findByUid, [this.model, uid]))[0]);
  }

  async findByUserCode(userCode: string): Promise<OidcStoredPayload | undefined> {
    return this.toPayload(
      (await this.query<Row>(this.sql.findByUserCode, [this.model, userCode]))[0],
    );
  }

  /** Atomic: of concurrent callers exactly one succeeds, the others get `AlreadyConsumedError`. */
  async consume(id: string): Promise<void> {
    const target = { table: this.table, key: { model: this.model, id: hashId(id) } };
    if (!(await consumeOnce(this.dataSource, target, Date.now()))) {
      throw new AlreadyConsumedError(this.model);
    }
  }

  async destroy(id: string): Promise<void> {
    await this.query(this.sql.destroy, [this.model, hashId(id)]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.query(this.sql.revokeByGrantId, [grantId]);
  }

  private toPayload(row: Row | undefined, id?: string): OidcStoredPayload | undefined {
    if (!row) return undefined;
    const expiresAt = toNumber(row.expires_at);
    if (expiresAt !== null && expiresAt <= Date.now()) return undefined;
    const payload = JSON.parse(row.payload) as OidcStoredPayload;
    if (id !== undefined && SECRET_ID_MODELS.has(this.model)) payload.jti = id;
    const consumedAt = toNumber(row.consumed_at);
    if (consumedAt !== null) payload.consumed = Math.floor(consumedAt / 1000);
    return payload;
  }
}
