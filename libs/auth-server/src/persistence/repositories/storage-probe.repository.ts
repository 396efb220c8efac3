import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The cheapest round trip to the database, for health checks (no table is read). */
@Injectable()
export class StorageProbeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Resolves when the database answered `SELECT 1`; rejects with the driver's error. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
