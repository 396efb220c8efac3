import { createHash } from 'node:crypto';
import { IsNull, type Repository } from 'typeorm';
import { OidcPayloadEntity } from './oidc-payload.entity.js';
import {
  AlreadyConsumedError,
  guardDb,
  isUniqueViolation,
  ReplayDetectedError,
} from './persistence.errors.js';

/** What oidc-provider hands the adapter; a loose record. */
export type OidcStoredPayload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  jti?: string;
  consumed?: number;
};

/**
 * Token models whose id is the secret token value: stored under a hash, without the `jti` in the
 * payload, so a database dump yields nothing usable.
 */
const SECRET_ID_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'PushedAuthorizationRequest',
]);

const hashId = (id: string): string => createHash('sha256').update(id).digest('base64url');
const toNumber = (v: string | number | null): number | null => (v === null ? null : Number(v));

/**
 * oidc-provider storage adapter over TypeORM (SQLite or PostgreSQL). Single-use operations are
 * atomic in the database: `consume` is a conditional UPDATE, replay records are INSERT-only.
 * @see https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js
 */
export class TypeOrmOidcAdapter {
  constructor(
    private readonly model: string,
    private readonly repo: Repository<OidcPayloadEntity>,
  ) {}

  async upsert(id: string, payload: OidcStoredPayload, expiresIn?: number): Promise<void> {
    const stored: OidcStoredPayload = { ...payload };
    if (SECRET_ID_MODELS.has(this.model)) delete stored.jti;
    const row: OidcPayloadEntity = {
      model: this.model,
      id: hashId(id),
      payload: JSON.stringify(stored),
      grantId: payload.grantId ?? null,
      userCode: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : null,
      consumedAt: null,
    };
    await guardDb(async () => {
      if (this.model === 'ReplayDetection') {
        await this.insertOnce(row);
      } else {
        await this.repo.upsert(row, ['model', 'id']);
      }
    });
  }

  private async insertOnce(row: OidcPayloadEntity): Promise<void> {
    try {
      await this.repo.insert(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ReplayDetectedError();
      throw err;
    }
  }

  async find(id: string): Promise<OidcStoredPayload | undefined> {
    const row = await guardDb(() => this.repo.findOneBy({ model: this.model, id: hashId(id) }));
    return this.toPayload(row, id);
  }

  async findByUid(uid: string): Promise<OidcStoredPayload | undefined> {
    const row = await guardDb(() => this.repo.findOneBy({ model: this.model, uid }));
    return this.toPayload(row);
  }

  async findByUserCode(userCode: string): Promise<OidcStoredPayload | undefined> {
    const row = await guardDb(() => this.repo.findOneBy({ model: this.model, userCode }));
    return this.toPayload(row);
  }

  /** Atomic: of concurrent callers exactly one succeeds, the others get `AlreadyConsumedError`. */
  async consume(id: string): Promise<void> {
    const result = await guardDb(() =>
      this.repo.update(
        { model: this.model, id: hashId(id), consumedAt: IsNull() },
        { consumedAt: Date.now() },
      ),
    );
    if (!result.affected) throw new AlreadyConsumedError(this.model);
  }

  async destroy(id: string): Promise<void> {
    await guardDb(() => this.repo.delete({ model: this.model, id: hashId(id) }));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await guardDb(() => this.repo.delete({ grantId }));
  }

  private toPayload(row: OidcPayloadEntity | null, id?: string): OidcStoredPayload | undefined {
    if (!row) return undefined;
    const expiresAt = toNumber(row.expiresAt);
    if (expiresAt !== null && expiresAt <= Date.now()) return undefined;
    const payload = JSON.parse(row.payload) as OidcStoredPayload;
    if (id !== undefined && SECRET_ID_MODELS.has(this.model)) payload.jti = id;
    const consumedAt = toNumber(row.consumedAt);
    if (consumedAt !== null) payload.consumed = Math.floor(consumedAt / 1000);
    return payload;
  }
}
