import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ConsentDecisionEntity } from '../persistence/consent-decision.entity.js';
import { guardDb } from '../persistence/persistence.errors.js';
import { OidcPayloadEntity } from '../persistence/oidc-payload.entity.js';
import { TypeOrmOidcAdapter } from '../persistence/typeorm-oidc.adapter.js';

const grantsKey = (accountId: string, clientId: string) => `${accountId}\u0000${clientId}`;

/**
 * What each user approved for each app, remembered for the next authorization, and the grants
 * issued under it (so the user can revoke an app on the management page).
 */
@Injectable()
export class ConsentStoreService {
  private readonly repo: Repository<ConsentDecisionEntity>;
  private readonly grants: TypeOrmOidcAdapter;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(ConsentDecisionEntity);
    this.grants = new TypeOrmOidcAdapter('UserGrants', dataSource.getRepository(OidcPayloadEntity));
  }

  /** Remembers a grant issued to the app for the user (the newest 50 are kept). */
  async addGrant(
    accountId: string,
    clientId: string,
    grantId: string,
    ttlSeconds: number,
  ): Promise<void> {
    const key = grantsKey(accountId, clientId);
    const known = ((await this.grants.find(key))?.grantIds as string[] | undefined) ?? [];
    await this.grants.upsert(key, { grantIds: [...known, grantId].slice(-50) }, ttlSeconds);
  }

  /** Forgets the decision and returns the grants to revoke. */
  async revokeApp(accountId: string, clientId: string): Promise<string[]> {
    const key = grantsKey(accountId, clientId);
    const grantIds = ((await this.grants.find(key))?.grantIds as string[] | undefined) ?? [];
    await this.grants.destroy(key);
    await this.forget(accountId, clientId);
    return grantIds;
  }

  async approved(accountId: string, clientId: string): Promise<string[]> {
    const row = await guardDb(() => this.repo.findOneBy({ accountId, clientId }));
    return row ? row.scope.split(' ').filter(Boolean) : [];
  }

  async remember(accountId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    await guardDb(() =>
      this.repo.save({ accountId, clientId, scope: scopes.join(' '), updatedAt: Date.now() }),
    );
  }

  async forget(accountId: string, clientId: string): Promise<boolean> {
    const result = await guardDb(() => this.repo.delete({ accountId, clientId }));
    return (result.affected ?? 0) > 0;
  }

  async list(
    accountId: string,
  ): Promise<{ clientId: string; scopes: string[]; updatedAt: number }[]> {
    const rows = await guardDb(() =>
      this.repo.find({ where: { accountId }, order: { clientId: 'ASC' } }),
    );
    return rows.map((r) => ({
      clientId: r.clientId,
      scopes: r.scope.split(' '),
      updatedAt: Number(r.updatedAt),
    }));
  }
}
