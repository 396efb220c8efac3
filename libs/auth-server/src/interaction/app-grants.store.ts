import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ExpiringCache } from '../common/expiring.cache.js';
import { OidcPayloadEntity } from '../persistence/oidc-payload.entity.js';
import { guardDb } from '../persistence/persistence.errors.js';
import { TypeOrmOidcAdapter } from '../persistence/typeorm-oidc.adapter.js';

/** One row per grant a user gave an app (id and `grant_id` = the grant, `uid` = the account). */
export const APP_GRANT_MODEL = 'AccountAppGrant';
/** When an app last got a token under a grant (same keys; written at most once per resolution). */
export const APP_USE_MODEL = 'AccountAppUse';
/** Last use is recorded to within this much: a grant is written at most once per window. */
export const LAST_USE_RESOLUTION_MS = 10 * 60 * 1000;

/** A grant an app holds for a user, as the account page shows it. */
export interface AppGrant {
  grantId: string;
  clientId: string;
  scopes: string[];
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; undefined when the app never got a token under it. */
  lastUsedAt?: number;
}

interface StoredGrant {
  clientId?: string;
  scope?: string;
  createdAt?: number;
}

/** The part of the engine's grant the token endpoint reports (`grant.success`). */
export interface UsedGrant {
  jti?: string;
  accountId?: string;
  clientId?: string;
  /** Epoch seconds. */
  exp?: number;
}

/**
 * The grants each user gave each app, trusted apps included, for the account page. One row per
 * grant, written once when the grant is made: no read-modify-write, so concurrent grants and
 * revocations cannot lose each other's rows. The rows carry the grant id in `grant_id`, so every
 * revocation of the grant by the engine (`revokeByGrantId`: a replayed code, a reused refresh
 * token, RFC 7009) deletes them too; expired rows go with the scheduled cleanup.
 */
@Injectable()
export class AppGrantsStore {
  private readonly repo: Repository<OidcPayloadEntity>;
  private readonly grants: TypeOrmOidcAdapter;
  private readonly uses: TypeOrmOidcAdapter;
  /** Grants whose use this instance recorded lately (skips the write within the resolution). */
  private readonly recentUses = new ExpiringCache<true>(10_000);

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(OidcPayloadEntity);
    this.grants = new TypeOrmOidcAdapter(APP_GRANT_MODEL, this.repo);
    this.uses = new TypeOrmOidcAdapter(APP_USE_MODEL, this.repo);
  }

  /** Remembers a grant the user just gave the app (living as long as the grant). */
  async record(
    grant: { accountId: string; clientId: string; grantId: string; scopes: readonly string[] },
    ttlSeconds: number,
  ): Promise<void> {
    await this.grants.upsert(
      grant.grantId,
      {
        grantId: grant.grantId,
        uid: grant.accountId,
        clientId: grant.clientId,
        scope: grant.scopes.join(' '),
        createdAt: Date.now(),
      },
      ttlSeconds,
    );
  }

  /**
   * Records that the app got a token under the grant (code redeemed, token refreshed). Cheap: at
   * most one small upsert per grant and instance every {@link LAST_USE_RESOLUTION_MS}; other
   * calls touch no database. Best effort: a failure only leaves the last use older.
   */
  async recordUse(grant: UsedGrant, now = Date.now()): Promise<void> {
    const { jti, accountId, clientId, exp } = grant;
    if (!jti || !accountId || !clientId || this.recentUses.has(jti)) return;
    this.recentUses.set(jti, true, now + LAST_USE_RESOLUTION_MS);
    const ttl = exp ? exp - Math.floor(now / 1000) : 0;
    if (ttl <= 0) return;
    await this.uses
      .upsert(jti, { grantId: jti, uid: accountId, clientId, at: now }, ttl)
      .catch(() => this.recentUses.delete(jti));
  }

  /** Every unexpired grant of the user, with its last use. */
  async list(accountId: string, now = Date.now()): Promise<AppGrant[]> {
    const [grantRows, useRows] = await Promise.all([
      guardDb(() => this.repo.findBy({ model: APP_GRANT_MODEL, uid: accountId })),
      guardDb(() => this.repo.findBy({ model: APP_USE_MODEL, uid: accountId })),
    ]);
    const live = (row: OidcPayloadEntity) => row.expiresAt === null || Number(row.expiresAt) > now;
    const lastUse = new Map<string, number>();
    for (const row of useRows.filter(live)) {
      const { at } = JSON.parse(row.payload) as { at?: number };
      if (row.grantId && typeof at === 'number') lastUse.set(row.grantId, at);
    }
    return grantRows.filter(live).flatMap((row) => {
      const stored = JSON.parse(row.payload) as StoredGrant;
      if (!row.grantId || !stored.clientId) return [];
      return [
        {
          grantId: row.grantId,
          clientId: stored.clientId,
          scopes: (stored.scope ?? '').split(' ').filter(Boolean),
          createdAt: stored.createdAt ?? 0,
          lastUsedAt: lastUse.get(row.grantId),
        },
      ];
    });
  }

  /** The user's unexpired grants to one app. */
  async grantIdsOf(accountId: string, clientId: string): Promise<string[]> {
    return (await this.list(accountId))
      .filter((g) => g.clientId === clientId)
      .map((g) => g.grantId);
  }

  /** Forgets a grant that was revoked (its rows; the engine's `revokeByGrantId` does the same). */
  async forget(grantId: string): Promise<void> {
    await Promise.all([this.grants.destroy(grantId), this.uses.destroy(grantId)]);
  }
}
