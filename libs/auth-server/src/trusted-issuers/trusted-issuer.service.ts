import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { guardDb } from '../persistence/persistence.errors.js';
import { TrustedIssuerEntity } from '../persistence/trusted-issuer.entity.js';
import type { TrustedIssuer } from './trusted-issuer.types.js';

/** Trusted assertion issuers for the jwt-bearer grant, stored in the database. */
@Injectable()
export class TrustedIssuerService {
  private readonly repo: Repository<TrustedIssuerEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(TrustedIssuerEntity);
  }

  async find(issuer: string): Promise<TrustedIssuer | undefined> {
    const row = await guardDb(() => this.repo.findOneBy({ issuer }));
    return row ? toTrustedIssuer(row) : undefined;
  }

  async list(): Promise<TrustedIssuer[]> {
    const rows = await guardDb(() => this.repo.find({ order: { issuer: 'ASC' } }));
    return rows.map(toTrustedIssuer);
  }

  async save(issuer: TrustedIssuer): Promise<TrustedIssuer> {
    await guardDb(() =>
      this.repo.save({
        issuer: issuer.issuer,
        jwks: issuer.jwks ? JSON.stringify(issuer.jwks) : null,
        jwksUri: issuer.jwksUri ?? null,
        allowedSubjects: JSON.stringify(issuer.allowedSubjects),
        allowedScope: issuer.allowedScope,
        createdAt: issuer.createdAt,
      }),
    );
    return issuer;
  }

  async remove(issuer: string): Promise<boolean> {
    const result = await guardDb(() => this.repo.delete({ issuer }));
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
