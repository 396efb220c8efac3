import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { guardDb } from './persistence.errors.js';

/**
 * One open database transaction. Callers outside persistence/ only pass it on to repository
 * writes (and change notices) that must commit together; they never use it themselves.
 */
export type StorageTransaction = EntityManager;

/** Runs work in one transaction (a connection failure becomes `DatabaseUnavailableError`). */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: StorageTransaction) => Promise<T>): Promise<T> {
    return guardDb(() => this.dataSource.transaction(work));
  }
}
