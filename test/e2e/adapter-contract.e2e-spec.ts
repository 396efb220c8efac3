import { randomBytes, randomUUID } from 'node:crypto';
// @ts-expect-error -- oidc-provider publishes no types for its in-memory adapter
import * as memoryAdapterModule from 'oidc-provider/lib/adapters/memory_adapter.js';
import { DataSource } from 'typeorm';
import { smartAuthDataSourceOptions } from '@smart-openehr/auth-server';
import {
  AlreadyConsumedError,
  ReplayDetectedError,
} from '../../libs/auth-server/src/persistence/persistence.errors.js';
import { OidcPayloadEntity } from '../../libs/auth-server/src/persistence/oidc-payload.entity.js';
import { TypeOrmOidcAdapter } from '../../libs/auth-server/src/persistence/typeorm-oidc.adapter.js';
import {
  describeAdapterContract,
  payloadFor,
  type AdapterFixture,
  type OidcAdapterLike,
} from '../support/adapter.contract.js';
import { createTestStorage } from '../support/app.harness.js';
import { sharedPostgresUrl } from '../support/test-database.js';

/** `oidc-provider/lib/adapters/memory_adapter.js`: the class as default, plus a store factory. */
interface MemoryAdapterModule {
  default: new (model: string, store?: unknown) => OidcAdapterLike;
  createMemoryAdapter: (clockTolerance?: number) => (model: string) => OidcAdapterLike;
}
const memory = memoryAdapterModule as MemoryAdapterModule;
const database = sharedPostgresUrl() ? 'PostgreSQL' : 'SQLite';

async function memoryFixture(): Promise<AdapterFixture> {
  const adapterFor = memory.createMemoryAdapter();
  return Promise.resolve({ adapter: adapterFor, close: () => Promise.resolve() });
}

async function typeOrmFixture(
  tablePrefix = '',
): Promise<AdapterFixture & { dataSource: DataSource }> {
  const storage = await createTestStorage();
  const dataSource = new DataSource(
    smartAuthDataSourceOptions({
      databaseUrl: storage.databaseUrl,
      dataDir: storage.dataDir,
      tablePrefix,
    }),
  );
  await dataSource.initialize();
  const repo = dataSource.getRepository(OidcPayloadEntity);
  return {
    dataSource,
    adapter: (model) => new TypeOrmOidcAdapter(model, repo),
    close: async () => {
      await dataSource.destroy();
      await storage.dispose();
    },
  };
}

describe('oidc-provider in-memory adapter module', () => {
  it('exports the adapter class as default and a fresh-store factory', () => {
    expect(typeof memory.default).toBe('function');
    expect(typeof memory.createMemoryAdapter).toBe('function');
    expect(memory.createMemoryAdapter()('Session')).toBeInstanceOf(memory.default);
  });
});

describeAdapterContract('oidc-provider MemoryAdapter', memoryFixture);
describeAdapterContract(`TypeOrmOidcAdapter on ${database}`, () => typeOrmFixture());
// Only `smart_oidc_payload` exists there: every statement must name the prefixed table.
describeAdapterContract(`TypeOrmOidcAdapter on ${database}, table prefix smart_`, () =>
  typeOrmFixture('smart_'),
);

describe(`TypeOrmOidcAdapter on ${database}: atomicity and hashed storage`, () => {
  let fixture: Awaited<ReturnType<typeof typeOrmFixture>>;
  beforeAll(async () => {
    fixture = await typeOrmFixture();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const settle = <T>(n: number, work: () => Promise<T>) =>
    Promise.allSettled(Array.from({ length: n }, work));

  it('20 concurrent consume() of one authorization code: exactly one wins', async () => {
    const id = randomBytes(32).toString('base64url');
    const codes = fixture.adapter('AuthorizationCode');
    await codes.upsert(id, payloadFor('AuthorizationCode', id), 60);
    const results = await settle(20, () => codes.consume(id));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(reasons).toHaveLength(19);
    for (const reason of reasons) expect(reason).toBeInstanceOf(AlreadyConsumedError);
    expect((await codes.find(id))?.consumed).toEqual(expect.any(Number));
    await expect(codes.consume(id)).rejects.toBeInstanceOf(AlreadyConsumedError);
  });

  it('20 concurrent upserts of one replay-detection id: one stored, 19 replays', async () => {
    const id = `backend-client:${randomUUID()}`;
    const replays = fixture.adapter('ReplayDetection');
    const results = await settle(20, () =>
      replays.upsert(id, payloadFor('ReplayDetection', id), 60),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(reasons).toHaveLength(19);
    for (const reason of reasons) expect(reason).toBeInstanceOf(ReplayDetectedError);
    expect(await replays.find(id)).toMatchObject({ jti: id });
    const other = `backend-client:${randomUUID()}`;
    await expect(
      replays.upsert(other, payloadFor('ReplayDetection', other), 60),
    ).resolves.toBeUndefined();
  });

  it.each(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'ClientCredentials'])(
    '%s is stored under a hash, without its jti, yet find() returns the jti',
    async (model) => {
      const tokenId = randomBytes(32).toString('base64url');
      const grantId = `grant-${randomUUID()}`;
      await fixture.adapter(model).upsert(tokenId, payloadFor(model, tokenId, { grantId }), 600);

      const rows = await fixture.dataSource.getRepository(OidcPayloadEntity).find();
      expect(rows.some((r) => r.id === tokenId)).toBe(false);
      const mine = rows.filter((r) => r.grantId === grantId);
      expect(mine).toHaveLength(1);
      expect(mine[0].model).toBe(model);
      expect(JSON.parse(mine[0].payload)).not.toHaveProperty('jti');
      expect(JSON.stringify(mine[0])).not.toContain(tokenId);

      expect(await fixture.adapter(model).find(tokenId)).toMatchObject({ jti: tokenId, grantId });
    },
  );
});
