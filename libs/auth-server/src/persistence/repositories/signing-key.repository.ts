import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { SigningKeyEntity } from '../signing-key.entity.js';

/** A signing key or cookie secret as stored (table `signing_key`); times in epoch milliseconds. */
export interface SigningKeyRecord {
  kid: string;
  alg: string;
  /** Private JWK JSON or cookie secret, sealed when a key-encryption secret is set. */
  material: string;
  createdAt: number;
  activateAt: number;
  retireAt: number | null;
}

/** The shared signing keys. */
@Injectable()
export class SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(SigningKeyEntity);
  }

  async list(): Promise<SigningKeyRecord[]> {
    return (await this.repo.find()).map(toRecord);
  }

  async insert(key: SigningKeyRecord): Promise<void> {
    await this.repo.insert({ ...key });
  }

  async updateMaterial(kid: string, material: string): Promise<void> {
    await this.repo.update({ kid }, { material });
  }

  async retire(kid: string, retireAt: number): Promise<void> {
    await this.repo.update({ kid }, { retireAt });
  }

  /** Deletes keys retired before `now`; returns how many. */
  async deleteRetiredBefore(now: number): Promise<number> {
    const result = await this.repo.delete({ retireAt: LessThan(now) });
    return result.affected ?? 0;
  }
}

const toRecord = (row: SigningKeyEntity): SigningKeyRecord => ({
  kid: row.kid,
  alg: row.alg,
  material: row.material,
  createdAt: Number(row.createdAt),
  activateAt: Number(row.activateAt),
  retireAt: row.retireAt === null ? null : Number(row.retireAt),
});
