import { Injectable } from '@nestjs/common';
import { ExpiringCache } from '../common/expiring.cache.js';
import {
  AppGrantRepository,
  type AppGrantRecord,
} from '../persistence/repositories/app-grant.repository.js';
/** Last use is recorded to within this much: a grant is written at most once per window. */
const LAST_USE_RESOLUTION_MS = 10 * 60 * 1000;

/** A grant an app holds for a user, as the account page shows it. */
export type AppGrant = AppGrantRecord;

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
  /** Grants whose use this instance recorded lately (skips the write within the resolution). */
  private readonly recentUses = new ExpiringCache<true>(10_000);

  constructor(private readonly grants: AppGrantRepository) {}

  /** Remembers a grant the user just gave the app (living as long as the grant). */
  async record(
    grant: { accountId: string; clientId: string; grantId: string; scopes: readonly string[] },
    ttlSeconds: number,
  ): Promise<void> {
    await this.grants.saveGrant(grant, Date.now(), ttlSeconds);
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
    await this.grants
      .saveUse({ grantId: jti, accountId, clientId, at: now }, ttl)
      .catch(() => this.recentUses.delete(jti));
  }

  /** Every unexpired grant of the user, with its last use. */
  list(accountId: string, now = Date.now()): Promise<AppGrant[]> {
    return this.grants.findByAccount(accountId, now);
  }

  /** The user's unexpired grants to one app. */
  async grantIdsOf(accountId: string, clientId: string): Promise<string[]> {
    return (await this.list(accountId))
      .filter((g) => g.clientId === clientId)
      .map((g) => g.grantId);
  }

  /** Forgets a grant that was revoked (its rows; the engine's `revokeByGrantId` does the same). */
  async forget(grantId: string): Promise<void> {
    await this.grants.delete(grantId);
  }
}
