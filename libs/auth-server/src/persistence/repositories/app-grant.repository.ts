import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OidcPayloadEntity } from '../oidc-payload.entity.js';
import { guardDb } from '../persistence.errors.js';
import { OidcPayloadRepository } from './oidc-payload.repository.js';

/** One row per grant a user gave an app (id and `grant_id` = the grant, `uid` = the account). */
const APP_GRANT_MODEL = 'AccountAppGrant';
/** When an app last got a token under a grant (same keys). */
const APP_USE_MODEL = 'AccountAppUse';

/** A grant an app holds for a user, as stored. */
export interface AppGrantRecord {
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

/**
 * The grants users gave apps, and their last use: rows in `oidc_payload` carrying the grant id in
 * `grant_id`, so the engine's `revokeByGrantId` deletes them with the grant.
 */
@Injectable()
export class AppGrantRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly payloads: OidcPayloadRepository,
  ) {}

  async saveGrant(
    grant: { accountId: string; clientId: string; grantId: string; scopes: readonly string[] },
    createdAt: number,
    ttlSeconds: number,
  ): Promise<void> {
    await this.payloads.forModel(APP_GRANT_MODEL).upsert(
      grant.grantId,
      {
        grantId: grant.grantId,
        uid: grant.accountId,
        clientId: grant.clientId,
        scope: grant.scopes.join(' '),
        createdAt,
      },
      ttlSeconds,
    );
  }

  async saveUse(
    use: { grantId: string; accountId: string; clientId: string; at: number },
    ttlSeconds: number,
  ): Promise<void> {
    await this.payloads
      .forModel(APP_USE_MODEL)
      .upsert(
        use.grantId,
        { grantId: use.grantId, uid: use.accountId, clientId: use.clientId, at: use.at },
        ttlSeconds,
      );
  }

  /** Every grant of the account unexpired at `now`, with its last use. */
  async findByAccount(accountId: string, now: number): Promise<AppGrantRecord[]> {
    const repo = this.dataSource.getRepository(OidcPayloadEntity);
    const [grantRows, useRows] = await Promise.all([
      guardDb(() => repo.findBy({ model: APP_GRANT_MODEL, uid: accountId })),
      guardDb(() => repo.findBy({ model: APP_USE_MODEL, uid: accountId })),
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

  /** Deletes the grant's rows (grant and last use). */
  async delete(grantId: string): Promise<void> {
    await Promise.all([
      this.payloads.forModel(APP_GRANT_MODEL).destroy(grantId),
      this.payloads.forModel(APP_USE_MODEL).destroy(grantId),
    ]);
  }
}
