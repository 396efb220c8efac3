import type { DataSource } from 'typeorm';
import { LaunchContextEntity } from './launch-context.entity.js';
import { OidcPayloadEntity } from './oidc-payload.entity.js';
import { RateLimitEntity } from './rate-limit.entity.js';
import { TokenRevocationEntity } from './token-revocation.entity.js';

/**
 * The auth server's tables and indexes without their prefix: what the entities declare and the
 * migrations create when the prefix is `''`. With a prefix `p`, table `t` becomes `p` + `t` and
 * its index `idx_<t>_<suffix>` becomes `idx_<p><t>_<suffix>`, so deployments with different
 * prefixes (and the host's own tables) can share one database.
 */

/** Table names without the prefix, by entity class name (as their `@Entity` declares them). */
export const SMART_TABLES_BY_ENTITY: ReadonlyMap<string, string> = new Map([
  ['OidcPayloadEntity', 'oidc_payload'],
  ['SigningKeyEntity', 'signing_key'],
  ['ClientEntity', 'oauth_client'],
  ['LaunchContextEntity', 'launch_context'],
  ['AuditEventEntity', 'audit_event'],
  ['TrustedIssuerEntity', 'trusted_issuer'],
  ['ConsentDecisionEntity', 'consent_decision'],
  ['RateLimitEntity', 'rate_limit'],
  ['TokenRevocationEntity', 'token_revocation'],
]);

/** Index name suffixes by table (without prefix) and columns (comma-separated, in order). */
const SMART_INDEXES: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  [
    'oidc_payload',
    new Map([
      ['grant_id', 'grant'],
      ['model,uid', 'uid'],
      ['expires_at', 'expires'],
    ]),
  ],
  ['audit_event', new Map([['at', 'at']])],
  [
    'token_revocation',
    new Map([
      ['kind,target', 'target'],
      ['expires_at', 'expires'],
    ]),
  ],
]);

/** A table prefix: lower-case letters, digits and `_`, starting with a letter; or `''`. */
export const TABLE_PREFIX_SYNTAX = /^([a-z][a-z0-9_]{0,20})?$/;

/** Names in one prefix: for migrations, which know the prefix but no entity metadata. */
export interface SmartSchemaNames {
  readonly prefix: string;
  /** `table('oidc_payload')` → `<prefix>oidc_payload`. */
  readonly table: (base: string) => string;
  /** `index('oidc_payload', 'grant')` → `idx_<prefix>oidc_payload_grant`. */
  readonly index: (base: string, suffix: string) => string;
}

function smartSchemaNames(prefix: string): SmartSchemaNames {
  return {
    prefix,
    table: (base) => `${prefix}${base}`,
    index: (base, suffix) => `idx_${prefix}${base}_${suffix}`,
  };
}

/** The names in a data source's prefix (a migration passes `queryRunner.connection`). */
export const smartSchemaNamesOf = (dataSource: Pick<DataSource, 'namingStrategy'>) =>
  smartSchemaNames(tablePrefixOf(dataSource));

/**
 * The name of one of the auth server's indexes on the (prefixed) table `table` over `columns`,
 * or `undefined` when the table or the columns are not one of those indexes.
 */
export function smartIndexName(
  prefix: string,
  table: string,
  columns: readonly string[],
): string | undefined {
  if (!table.startsWith(prefix)) return undefined;
  const base = table.slice(prefix.length);
  const suffix = SMART_INDEXES.get(base)?.get(columns.join(','));
  return suffix === undefined ? undefined : smartSchemaNames(prefix).index(base, suffix);
}

/** The prefix of the auth server's tables in a data source: its naming strategy's, or `''`. */
function tablePrefixOf(dataSource: Pick<DataSource, 'namingStrategy'>): string {
  const prefix = (dataSource.namingStrategy as { smartTablePrefix?: unknown }).smartTablePrefix;
  return typeof prefix === 'string' ? prefix : '';
}

/** The names run-time SQL uses, resolved once per data source. */
export interface SmartTables {
  readonly oidcPayload: string;
  readonly launchContext: string;
  readonly rateLimit: string;
  readonly tokenRevocation: string;
}

const resolved = new WeakMap<DataSource, SmartTables>();

/**
 * The tables as TypeORM's metadata names them, so raw SQL and repositories agree. Call it once
 * the data source is initialised.
 */
export function smartTablesOf(dataSource: DataSource): SmartTables {
  let tables = resolved.get(dataSource);
  if (tables === undefined) {
    const name = (entity: new () => object): string => {
      const table = dataSource.getMetadata(entity).tableName;
      // Raw SQL names it without quotes: refuse anything but a plain lower-case identifier.
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`unexpected table name ${table}`);
      return table;
    };
    tables = {
      oidcPayload: name(OidcPayloadEntity),
      launchContext: name(LaunchContextEntity),
      rateLimit: name(RateLimitEntity),
      tokenRevocation: name(TokenRevocationEntity),
    };
    resolved.set(dataSource, tables);
  }
  return tables;
}

/** A PostgreSQL change-notice channel of the deployment: `<table prefix>smart_<name>`. */
export const changeChannelOf = (dataSource: Pick<DataSource, 'namingStrategy'>, name: string) =>
  `${tablePrefixOf(dataSource)}smart_${name}`;
