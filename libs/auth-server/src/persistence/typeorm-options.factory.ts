import { join } from 'node:path';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity.js';
import { ClientEntity } from './client.entity.js';
import { ConsentDecisionEntity } from './consent-decision.entity.js';
import { LaunchContextEntity } from './launch-context.entity.js';
import { InitialSchema1764300000000 } from './migrations/1764300000000-initial-schema.migration.js';
import { PartialPayloadIndexes1764400000000 } from './migrations/1764400000000-partial-payload-indexes.migration.js';
import { AccountAppGrants1764500000000 } from './migrations/1764500000000-account-app-grants.migration.js';
import { TokenRevocation1764530000000 } from './migrations/1764530000000-token-revocation.migration.js';
import { OidcPayloadEntity } from './oidc-payload.entity.js';
import { RateLimitEntity } from './rate-limit.entity.js';
import { smartAuthNamingStrategy } from './smart-auth-naming.strategy.js';
import { SigningKeyEntity } from './signing-key.entity.js';
import { TokenRevocationEntity } from './token-revocation.entity.js';
import { TrustedIssuerEntity } from './trusted-issuer.entity.js';

/** Every entity the auth server stores; a host's TypeORM configuration must include them. */
export const SMART_AUTH_ENTITIES: (new () => object)[] = [
  OidcPayloadEntity,
  SigningKeyEntity,
  ClientEntity,
  LaunchContextEntity,
  AuditEventEntity,
  TrustedIssuerEntity,
  ConsentDecisionEntity,
  RateLimitEntity,
  TokenRevocationEntity,
];

/** The auth server's migrations, in order. */
export const SMART_AUTH_MIGRATIONS: (new () => MigrationInterface)[] = [
  InitialSchema1764300000000,
  PartialPayloadIndexes1764400000000,
  AccountAppGrants1764500000000,
  TokenRevocation1764530000000,
];

export interface SmartDatabaseSettings {
  /** `postgres://...` switches to PostgreSQL; otherwise embedded SQLite. */
  databaseUrl?: string;
  /** Folder of the SQLite file (`smart-auth.sqlite`), or `:memory:`. */
  dataDir?: string;
  /** Test-only: create the schema without migrations. */
  synchronize?: boolean;
  /**
   * Prefix of the auth server's tables, indexes and change-notice channels, and of the
   * migrations table (`<prefix>migrations`), so that several deployments and the host's own
   * tables can share one database (see `smartAuthNamingStrategy`). Fixed for the life of a
   * database: the migrations create the prefixed tables.
   * @default ''
   */
  tablePrefix?: string;
}

/**
 * TypeORM options for the auth server's storage: PostgreSQL when `databaseUrl` is a postgres URL,
 * embedded SQLite otherwise. Migrations run at start.
 * @throws SmartAuthConfigError when `tablePrefix` is not a valid prefix.
 */
export function smartAuthDataSourceOptions(settings: SmartDatabaseSettings): DataSourceOptions {
  const namingStrategy = smartAuthNamingStrategy({ tablePrefix: settings.tablePrefix ?? '' });
  const prefix = namingStrategy.smartTablePrefix;
  const common = {
    entities: SMART_AUTH_ENTITIES,
    migrations: SMART_AUTH_MIGRATIONS,
    migrationsRun: !settings.synchronize,
    ...(prefix ? { migrationsTableName: `${prefix}migrations` } : {}),
    namingStrategy,
    synchronize: Boolean(settings.synchronize),
    logging: false,
  } as const;
  const url = settings.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    return {
      ...common,
      type: 'postgres',
      url,
      extra: { max: 20, connectionTimeoutMillis: 3000, statement_timeout: 10000 },
    };
  }
  const dir = settings.dataDir ?? './data';
  return {
    ...common,
    type: 'better-sqlite3',
    database: dir === ':memory:' ? ':memory:' : join(dir, 'smart-auth.sqlite'),
    enableWAL: dir !== ':memory:',
    prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
    },
  };
}
