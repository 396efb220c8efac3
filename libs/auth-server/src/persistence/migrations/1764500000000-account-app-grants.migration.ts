import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { smartSchemaNamesOf } from '../smart-table.names.js';

/** Ids of `oidc_payload` rows are stored hashed (as the adapter does). */
const hashId = (id: string): string => createHash('sha256').update(id).digest('base64url');

interface GrantPayload {
  accountId?: string;
  clientId?: string;
  iat?: number;
  openid?: { scope?: string };
  resources?: Record<string, string>;
}

/** The grant's scopes, as the account page lists them. */
function scopesOf(grant: GrantPayload): string {
  const all = [grant.openid?.scope, ...Object.values(grant.resources ?? {})].join(' ');
  return [...new Set(all.split(' ').filter(Boolean))].join(' ');
}

/**
 * The account page lists one `AccountAppGrant` row per grant (trusted apps included) instead of
 * one `UserGrants` list per user and app, which concurrent writers could overwrite and which never
 * held trusted apps. Carried over: every grant of those lists, and every grant that still has a
 * refresh token (that is where a trusted app's lasting access lives). Data only, no DDL.
 */
export class AccountAppGrants1764500000000 implements MigrationInterface {
  name = 'AccountAppGrants1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    const $ = placeholders(runner);
    const payloads = payloadTable(runner);
    const now = Date.now();
    const live = `(expires_at IS NULL OR expires_at > ${$(1)})`;
    const grantIds = new Set<string>();
    const lists = await rows<{ payload: string }[]>(
      runner,
      `SELECT payload FROM ${payloads} WHERE model = 'UserGrants' AND ${live}`,
      [now],
    );
    for (const row of lists) {
      const ids = (JSON.parse(row.payload) as { grantIds?: unknown }).grantIds;
      if (Array.isArray(ids))
        ids.filter((id) => typeof id === 'string').forEach((id) => grantIds.add(id));
    }
    const withRefresh = await rows<{ grant_id: string }[]>(
      runner,
      `SELECT DISTINCT grant_id FROM ${payloads} WHERE model = 'RefreshToken' AND grant_id IS NOT NULL AND ${live}`,
      [now],
    );
    withRefresh.forEach((row) => grantIds.add(row.grant_id));
    for (const grantId of grantIds) await this.carryOver(runner, grantId, now);
    await runner.query(`DELETE FROM ${payloads} WHERE model = 'UserGrants'`);
  }

  /** Back to one list per user and app (the lists of the previous version). */
  async down(runner: QueryRunner): Promise<void> {
    const payloads = payloadTable(runner);
    const grants = await rows<
      { payload: string; uid: string; grant_id: string; expires_at: string | null }[]
    >(
      runner,
      `SELECT payload, uid, grant_id, expires_at FROM ${payloads} WHERE model = 'AccountAppGrant'`,
    );
    const lists = new Map<string, { grantIds: string[]; expiresAt: number | null }>();
    for (const row of grants) {
      const { clientId } = JSON.parse(row.payload) as { clientId?: string };
      if (!clientId) continue;
      const key = `${row.uid}\u0000${clientId}`;
      const list = lists.get(key) ?? { grantIds: [], expiresAt: 0 };
      list.grantIds.push(row.grant_id);
      const expiresAt = row.expires_at === null ? null : Number(row.expires_at);
      list.expiresAt =
        list.expiresAt === null || expiresAt === null ? null : Math.max(list.expiresAt, expiresAt);
      lists.set(key, list);
    }
    const $ = placeholders(runner);
    for (const [key, list] of lists) {
      await runner.query(
        `INSERT INTO ${payloads} (model, id, payload, expires_at) VALUES ('UserGrants', ${$(1)}, ${$(2)}, ${$(3)}) ON CONFLICT (model, id) DO NOTHING`,
        [hashId(key), JSON.stringify({ grantIds: list.grantIds.slice(-50) }), list.expiresAt],
      );
    }
    await runner.query(
      `DELETE FROM ${payloads} WHERE model IN ('AccountAppGrant', 'AccountAppUse')`,
    );
  }

  private async carryOver(runner: QueryRunner, grantId: string, now: number): Promise<void> {
    const $ = placeholders(runner);
    const payloads = payloadTable(runner);
    const [grant] = await rows<{ payload: string; expires_at: string | null }[]>(
      runner,
      `SELECT payload, expires_at FROM ${payloads} WHERE model = 'Grant' AND id = ${$(1)}`,
      [hashId(grantId)],
    );
    if (!grant || (grant.expires_at !== null && Number(grant.expires_at) <= now)) return;
    const payload = JSON.parse(grant.payload) as GrantPayload;
    if (!payload.accountId || !payload.clientId) return;
    const row = {
      grantId,
      uid: payload.accountId,
      clientId: payload.clientId,
      scope: scopesOf(payload),
      createdAt: (payload.iat ?? Math.floor(now / 1000)) * 1000,
    };
    await runner.query(
      `INSERT INTO ${payloads} (model, id, payload, grant_id, uid, expires_at) VALUES ('AccountAppGrant', ${$(1)}, ${$(2)}, ${$(3)}, ${$(4)}, ${$(5)}) ON CONFLICT (model, id) DO NOTHING`,
      [hashId(grantId), JSON.stringify(row), grantId, payload.accountId, grant.expires_at],
    );
  }
}

/** The rows a query returns (TypeORM types them as `any`). */
function rows<T>(runner: QueryRunner, sql: string, params?: unknown[]): Promise<T> {
  return runner.query(sql, params) as Promise<T>;
}

/** `oidc_payload` in the data source's table prefix. */
const payloadTable = (runner: QueryRunner): string =>
  smartSchemaNamesOf(runner.connection).table('oidc_payload');

function placeholders(runner: QueryRunner): (i: number) => string {
  const postgres = runner.connection.options.type === 'postgres';
  return (i) => (postgres ? `$${i}` : '?');
}
