import { Injectable } from '@nestjs/common';
import { ConsentRepository } from '../persistence/repositories/consent.repository.js';

/**
 * What each user approved for each app, remembered for the next authorization (one row per user
 * and app). The grants themselves are listed by {@link AppGrantsStore}.
 */
@Injectable()
export class ConsentStoreService {
  constructor(private readonly consents: ConsentRepository) {}

  async approved(accountId: string, clientId: string): Promise<string[]> {
    const row = await this.consents.find(accountId, clientId);
    return row ? row.scope.split(' ').filter(Boolean) : [];
  }

  /** One atomic upsert: two tabs approving the same app at once cannot collide. */
  async remember(accountId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    await this.consents.save(accountId, clientId, scopes.join(' '), Date.now());
  }

  forget(accountId: string, clientId: string): Promise<boolean> {
    return this.consents.delete(accountId, clientId);
  }

  async list(
    accountId: string,
  ): Promise<{ clientId: string; scopes: string[]; updatedAt: number }[]> {
    const rows = await this.consents.listByAccount(accountId);
    return rows.map((r) => ({
      clientId: r.clientId,
      scopes: r.scope.split(' '),
      updatedAt: r.updatedAt,
    }));
  }
}
