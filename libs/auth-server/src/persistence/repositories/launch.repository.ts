import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LaunchContextEntity } from '../launch-context.entity.js';
import { guardDb } from '../persistence.errors.js';
import { consumeReturning } from '../single-use.query.js';
import { smartTablesOf } from '../smart-table.names.js';

/** An EHR launch handle as stored (table `launch_context`), keyed by the handle's hash. */
export interface StoredLaunch {
  handleHash: string;
  clientId: string | null;
  /** The launch context as JSON. */
  context: string;
  createdBy: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Epoch milliseconds; null while unused. */
  consumedAt: number | null;
}

/** EHR launch handles: created by the launcher, single-use, short-lived. */
@Injectable()
export class LaunchRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(launch: Omit<StoredLaunch, 'consumedAt'>): Promise<void> {
    await guardDb(() =>
      this.dataSource.getRepository(LaunchContextEntity).insert({
        id: launch.handleHash,
        clientId: launch.clientId,
        context: launch.context,
        createdBy: launch.createdBy,
        expiresAt: launch.expiresAt,
        consumedAt: null,
      }),
    );
  }

  async find(handleHash: string): Promise<StoredLaunch | undefined> {
    const row = await guardDb(() =>
      this.dataSource.getRepository(LaunchContextEntity).findOneBy({ id: handleHash }),
    );
    if (!row) return undefined;
    return {
      handleHash: row.id,
      clientId: row.clientId,
      context: row.context,
      createdBy: row.createdBy,
      expiresAt: Number(row.expiresAt),
      consumedAt: row.consumedAt === null ? null : Number(row.consumedAt),
    };
  }

  /**
   * Uses a handle up if it is unused, unexpired at `now` and unbound or bound to `clientId`, and
   * returns its context (JSON); atomic (of concurrent callers exactly one gets it).
   */
  async consume(handleHash: string, clientId: string, now: number): Promise<string | undefined> {
    const context = await consumeReturning(
      this.dataSource,
      {
        table: smartTablesOf(this.dataSource).launchContext,
        key: { id: handleHash },
        unexpired: true,
        boundTo: { column: 'client_id', value: clientId },
      },
      now,
      'context',
    );
    return typeof context === 'string' ? context : undefined;
  }
}
