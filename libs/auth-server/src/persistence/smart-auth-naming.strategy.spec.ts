import { Column, DataSource, DefaultNamingStrategy, Entity, Index, PrimaryColumn } from 'typeorm';
import { SmartAuthConfigError } from '../options/auth-config.error.js';
import { smartAuthNamingStrategy } from './smart-auth-naming.strategy.js';
import { SMART_AUTH_ENTITIES } from './typeorm-options.factory.js';

/** A host entity whose table is named like one of the auth server's. */
@Entity({ name: 'audit_event' })
@Index(['at'])
class HostAuditEvent {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  @Column({ type: 'bigint' })
  at: string;
}

/** A host strategy with state of its own (a private field) and its own default column names. */
class UpperColumnsStrategy extends DefaultNamingStrategy {
  readonly #suffix = '_COL';
  override columnName(propertyName: string, customName: string | undefined): string {
    return customName ?? `${propertyName.toUpperCase()}${this.#suffix}`;
  }
}

/** The entity metadata TypeORM builds with `namingStrategy` (in-memory SQLite, no migrations). */
async function metadataWith(
  namingStrategy: DataSource['namingStrategy'],
  entities: (new () => object)[],
) {
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: ':memory:',
    entities,
    namingStrategy,
  });
  await ds.initialize();
  const metadata = ds.entityMetadatas;
  await ds.destroy();
  return metadata;
}

describe(smartAuthNamingStrategy.name, () => {
  const base = new DefaultNamingStrategy();

  it("prefixes each of the auth server's tables and names its indexes in the prefix", async () => {
    const sut = smartAuthNamingStrategy({ tablePrefix: 'smart_' });
    const metadata = await metadataWith(sut, SMART_AUTH_ENTITIES);
    expect(metadata.map((m) => m.tableName).sort()).toEqual(
      [
        'smart_audit_event',
        'smart_consent_decision',
        'smart_launch_context',
        'smart_oauth_client',
        'smart_oidc_payload',
        'smart_rate_limit',
        'smart_signing_key',
        'smart_token_revocation',
        'smart_trusted_issuer',
      ].sort(),
    );
    const indexes = metadata.flatMap((m) => m.indices.map((i) => i.name)).sort();
    expect(indexes).toEqual(
      [
        'idx_smart_audit_event_at',
        'idx_smart_oidc_payload_expires',
        'idx_smart_oidc_payload_grant',
        'idx_smart_oidc_payload_uid',
        'idx_smart_token_revocation_expires',
        'idx_smart_token_revocation_target',
      ].sort(),
    );
  });

  it("keeps today's names with the empty prefix", async () => {
    const metadata = await metadataWith(smartAuthNamingStrategy(), SMART_AUTH_ENTITIES);
    expect(metadata.map((m) => m.tableName)).toContain('oidc_payload');
    expect(metadata.flatMap((m) => m.indices.map((i) => i.name))).toContain(
      'idx_oidc_payload_grant',
    );
    expect(smartAuthNamingStrategy().smartTablePrefix).toBe('');
  });

  it("leaves the host's entities to the base strategy, even one named like ours", async () => {
    const sut = smartAuthNamingStrategy({
      tablePrefix: 'smart_',
      base: new UpperColumnsStrategy(),
    });
    const [host] = await metadataWith(sut, [HostAuditEvent]);
    expect(host.tableName).toBe('audit_event');
    expect(host.indices[0].name).toBe(base.indexName('audit_event', ['AT_COL']));
    expect(host.columns.map((c) => c.databaseName).sort()).toEqual(['AT_COL', 'ID_COL']);
    // The auth server's columns go to the base strategy too, which keeps their explicit names.
    const ours = await metadataWith(sut, SMART_AUTH_ENTITIES);
    const payload = ours.find((m) => m.tableName === 'smart_oidc_payload')!;
    expect(payload.columns.map((c) => c.databaseName)).toContain('grant_id');
    expect(payload.columns.map((c) => c.databaseName)).toContain('PAYLOAD_COL');
  });

  it('delegates every other name to the base strategy', () => {
    const sut = smartAuthNamingStrategy({ tablePrefix: 'smart_' });
    expect(sut.tableName('HostThing', undefined)).toBe('host_thing');
    expect(sut.tableName('OidcPayloadEntity', 'not_ours')).toBe('not_ours');
    expect(sut.tableName('OidcPayloadEntity', 'oidc_payload')).toBe('smart_oidc_payload');
    expect(sut.indexName('smart_oidc_payload', ['payload'])).toBe(
      base.indexName('smart_oidc_payload', ['payload']),
    );
    expect(sut.indexName('oidc_payload', ['grant_id'])).toBe(
      base.indexName('oidc_payload', ['grant_id']),
    );
    expect(sut.primaryKeyName('smart_oidc_payload', ['model', 'id'])).toBe(
      base.primaryKeyName('smart_oidc_payload', ['model', 'id']),
    );
    expect(sut.joinTableName('a', 'b', 'x', 'y')).toBe(base.joinTableName('a', 'b', 'x', 'y'));
    expect(sut.materializedPathColumnName).toBe(base.materializedPathColumnName);
  });

  it.each(['smart_', 'a', 'tenant7_', `s${'x'.repeat(20)}`])('accepts the prefix %j', (p) => {
    expect(smartAuthNamingStrategy({ tablePrefix: p }).smartTablePrefix).toBe(p);
  });

  it.each(['Smart_', '_smart', '7smart', 'smart-', 'smart."x"', 'a b', `s${'x'.repeat(21)}`])(
    'refuses the prefix %j with a SmartAuthConfigError naming tablePrefix',
    (p) => {
      const attempt = () => smartAuthNamingStrategy({ tablePrefix: p });
      expect(attempt).toThrow(SmartAuthConfigError);
      expect(attempt).toThrow(/^tablePrefix must be empty or lower-case/);
    },
  );
});
