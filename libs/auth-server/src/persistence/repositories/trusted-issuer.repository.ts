import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TrustedIssuer } from '../records/trusted-issuer.record.js';
import { guardDb } from '../persistence.errors.js';
import type { StorageTransaction } from '../transaction.runner.js';
import { TrustedIssuerEntity } from '../trusted-issuer.entity.js';

/** Trusted assertion issuers for the jwt-bearer grant (table `trusted_issuer`). */
@Injectable()
export class TrustedIssuerRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(TrustedIssuerEntity);
  }

  async find(issuer: string): Promise<TrustedIssuer | undefined> {
    const row = await guardDb(() => this.repo.findOneBy({ issuer }));
    return row ? toTrustedIssuer(row) : undefined;
  }

  async list(): Promise<TrustedIssuer[]> {
    const rows = await guardDb(() => this.repo.find({ order: { issuer: 'ASC' } }));
    return rows.map(toTrustedIssuer);
  }

  /** Inserts or replaces the issuer (in `tx`, when given). */
  async save(issuer: TrustedIssuer, tx?: StorageTransaction): Promise<void> {
    const manager = tx ?? this.dataSource.manager;
    await guardDb(() =>
      manager.save(TrustedIssuerEntity, {
        issuer: issuer.issuer,
        jwks: issuer.jwks ? JSON.stringify(issuer.jwks) : null,
        jwksUri: issuer.jwksUri ?? null,
        allowedSubjects: JSON.stringify(issuer.allowedSubjects),
        allowedScope: issuer.allowedScope,
        createdAt: issuer.createdAt,
      }),
    );
  }

  /** Deletes the issuer (in `tx`, when given). @returns whether the issuer existed */
  async delete(issuer: string, tx?: StorageTransaction): Promise<boolean> {
    const manager = tx ?? this.dataSource.manager;
    const result = await guardDb(() => manager.delete(TrustedIssuerEntity, { issuer }));
    return (result.affected ?? 0) > 0;
  }
}

function toTrustedIssuer(row: TrustedIssuerEntity): TrustedIssuer {
  return {
    issuer: row.issuer,
    jwks: row.jwks ? (JSON.parse(row.jwks) as TrustedIssuer['jwks']) : undefined,
    jwksUri: row.jwksUri ?? undefined,
    allowedSubjects: JSON.parse(row.allowedSubjects) as string[],
    allowedScope: row.allowedScope,
    createdAt: Number(row.createdAt),
  };
}
