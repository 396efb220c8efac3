import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConsentDecisionEntity } from '../consent-decision.entity.js';
import { guardDb } from '../persistence.errors.js';

/** What a user approved for an app (table `consent_decision`). */
export interface ConsentRecord {
  clientId: string;
  /** The approved scopes, space-separated. */
  scope: string;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** Consent decisions, one row per user and app. */
@Injectable()
export class ConsentRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ConsentDecisionEntity);
  }

  async find(accountId: string, clientId: string): Promise<ConsentRecord | undefined> {
    const row = await guardDb(() => this.repo.findOneBy({ accountId, clientId }));
    return row ? toRecord(row) : undefined;
  }

  /** One atomic upsert: two tabs approving the same app at once cannot collide. */
  async save(accountId: string, clientId: string, scope: string, updatedAt: number): Promise<void> {
    await guardDb(() =>
      this.repo.upsert({ accountId, clientId, scope, updatedAt }, ['accountId', 'clientId']),
    );
  }

  /** @returns whether there was a decision to delete */
  async delete(accountId: string, clientId: string): Promise<boolean> {
    const result = await guardDb(() => this.repo.delete({ accountId, clientId }));
    return (result.affected ?? 0) > 0;
  }

  /** The user's decisions, by client id. */
  async listByAccount(accountId: string): Promise<ConsentRecord[]> {
    const rows = await guardDb(() =>
      this.repo.find({ where: { accountId }, order: { clientId: 'ASC' } }),
    );
    return rows.map(toRecord);
  }
}

const toRecord = (row: ConsentDecisionEntity): ConsentRecord => ({
  clientId: row.clientId,
  scope: row.scope,
  updatedAt: Number(row.updatedAt),
});
