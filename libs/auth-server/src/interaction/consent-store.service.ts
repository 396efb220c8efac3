import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ConsentDecisionEntity } from '../persistence/consent-decision.entity.js';
import { guardDb } from '../persistence/persistence.errors.js';

/**
 * What each user approved for each app, remembered for the next authorization (one row per user
 * and app). The grants themselves are listed by {@link AppGrantsStore}.
 */
@Injectable()
export class ConsentStoreService {
  private readonly repo: Repository<ConsentDecisionEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(ConsentDecisionEntity);
  }

  async approved(accountId: string, clientId: string): Promise<string[]> {
    const row = await guardDb(() => this.repo.findOneBy({ accountId, clientId }));
    return row ? row.scope.split(' ').filter(Boolean) : [];
  }

  /** One atomic upsert: two tabs approving the same app at once cannot collide. */
  async remember(accountId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    await guardDb(() =>
      this.repo.upsert({ accountId, clientId, scope: scopes.join(' '), updatedAt: Date.now() }, [
        'accountId',
        'clientId',
      ]),
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
