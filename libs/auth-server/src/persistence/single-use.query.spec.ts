import { DataSource } from 'typeorm';
import { OidcPayloadEntity } from './oidc-payload.entity.js';
import { AlreadyConsumedError } from './persistence.errors.js';
import { LaunchRepository } from './repositories/launch.repository.js';
import { consumeOnce } from './single-use.query.js';
import { smartTablesOf } from './smart-table.names.js';
import { TypeOrmOidcAdapter } from './typeorm-oidc.adapter.js';
import { smartAuthDataSourceOptions } from './typeorm-options.factory.js';

describe(consumeOnce.name, () => {
  let db: DataSource;
  const now = 1_800_000_000_000;

  beforeAll(async () => {
    db = await new DataSource(smartAuthDataSourceOptions({ dataDir: ':memory:' })).initialize();
  });
  afterAll(() => db.destroy());

  const launch = (id: string, clientId: string | null, expiresAt = now + 60_000) =>
    new LaunchRepository(db).insert({
      handleHash: id,
      clientId,
      context: '{}',
      createdBy: 'test',
      expiresAt,
    });
  const target = (id: string, clientId = 'app') => ({
    table: smartTablesOf(db).launchContext,
    key: { id },
    unexpired: true,
    boundTo: { column: 'client_id', value: clientId },
  });

  it('marks the row consumed once; a second call gets false', async () => {
    await launch('once', null);
    expect(await consumeOnce(db, target('once'), now)).toBe(true);
    expect(await consumeOnce(db, target('once'), now + 1)).toBe(false);
    expect((await new LaunchRepository(db).find('once'))?.consumedAt).toBe(now);
  });

  it('of concurrent callers exactly one succeeds', async () => {
    await launch('race', null);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => consumeOnce(db, target('race'), now)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it.each([
    ['an unknown row', 'missing', 'app', now],
    ['an expired row', 'expired', 'app', now + 60_000],
    ['a row bound to another client', 'bound', 'other', now],
  ])('refuses %s and leaves it unused', async (_case, id, clientId, at) => {
    if (id !== 'missing') await launch(id, 'app');
    expect(await consumeOnce(db, target(id, clientId), at)).toBe(false);
    expect((await new LaunchRepository(db).find(id))?.consumedAt ?? null).toBeNull();
  });

  it('LaunchRepository.consume is that path and returns the context once (bound client)', async () => {
    await launch('bound-ok', 'app');
    const repo = new LaunchRepository(db);
    expect(await repo.consume('bound-ok', 'other', now)).toBeUndefined();
    expect(await repo.consume('bound-ok', 'app', now)).toBe('{}');
    expect(await repo.consume('bound-ok', 'app', now)).toBeUndefined();
  });

  it('the oidc adapter consumes through it: once, then AlreadyConsumedError', async () => {
    const codes = new TypeOrmOidcAdapter('AuthorizationCode', db.getRepository(OidcPayloadEntity));
    const other = new TypeOrmOidcAdapter('RefreshToken', db.getRepository(OidcPayloadEntity));
    await codes.upsert('code-1', { grantId: 'g1' }, 60);
    await other.upsert('code-1', { grantId: 'g1' }, 60);
    await codes.consume('code-1');
    await expect(codes.consume('code-1')).rejects.toBeInstanceOf(AlreadyConsumedError);
    expect((await codes.find('code-1'))?.consumed).toEqual(expect.any(Number));
    // The key includes the model: the same id of another model is untouched.
    expect((await other.find('code-1'))?.consumed).toBeUndefined();
  });
});
