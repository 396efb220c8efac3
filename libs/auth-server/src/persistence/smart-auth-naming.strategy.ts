import {
  DefaultNamingStrategy,
  type NamingStrategyInterface,
  type Table,
  type View,
} from 'typeorm';
import { SmartAuthConfigError } from '../options/auth-config.error.js';
import {
  SMART_TABLES_BY_ENTITY,
  smartIndexName,
  TABLE_PREFIX_SYNTAX,
} from './smart-table.names.js';

/** Options of {@link smartAuthNamingStrategy}. */
export interface SmartNamingStrategyOptions {
  /**
   * Prefix of the auth server's tables and indexes (`smart_` → `smart_oidc_payload`,
   * `idx_smart_oidc_payload_grant`) and of its PostgreSQL change-notice channels. Lower-case
   * letters, digits and `_`, starting with a letter, at most 21 characters; or `''` for the
   * unprefixed names. `smart_` is recommended when the auth server shares the host's database.
   * @default ''
   */
  tablePrefix?: string;
  /**
   * The strategy for every other name: the host's tables, and the columns, keys and constraints
   * of every table (the auth server's included). It must keep explicitly given column names as
   * they are (TypeORM's own strategies do): the auth server's SQL names its columns.
   * @default new DefaultNamingStrategy()
   */
  base?: NamingStrategyInterface;
}

/** A TypeORM naming strategy that knows the auth server's table prefix. */
export interface SmartAuthNamingStrategy extends NamingStrategyInterface {
  /** The prefix of the auth server's tables (its migrations read it here). */
  readonly smartTablePrefix: string;
}

/** Checks a table prefix; throws `SmartAuthConfigError` naming `option` when it is bad. */
function checkTablePrefix(prefix: unknown, option = 'tablePrefix'): string {
  if (typeof prefix !== 'string' || !TABLE_PREFIX_SYNTAX.test(prefix)) {
    throw new SmartAuthConfigError(
      option,
      `must be empty or lower-case letters, digits and _ starting with a letter, at most 21 characters (got ${JSON.stringify(prefix)})`,
    );
  }
  return prefix;
}

/**
 * A TypeORM naming strategy that prefixes the auth server's tables and indexes, for a host that
 * builds its own `DataSource` (set it as `namingStrategy`; `smartAuthDataSourceOptions` does
 * this itself). Every other name goes to `base`, so the host's entities keep theirs. The auth
 * server's entities are recognised by class and table name (`AuditEventEntity` / `audit_event`,
 * ...): a host entity declared with both the same class name and the same table name as one of
 * them would be prefixed too. Works with TypeORM 0.3 and 1.x (everything not overridden here is
 * the base strategy's).
 *
 * The same prefix must be used from the first migration on: the migrations create the prefixed
 * tables, and changing the prefix later means renaming them by hand.
 *
 * @example
 * ```ts
 * TypeOrmModule.forRoot({
 *   ...hostOptions,
 *   entities: [...hostEntities, ...SMART_AUTH_ENTITIES],
 *   migrations: [...hostMigrations, ...SMART_AUTH_MIGRATIONS],
 *   namingStrategy: smartAuthNamingStrategy({ tablePrefix: 'smart_', base: new HostNamingStrategy() }),
 * });
 * ```
 * @throws SmartAuthConfigError when `tablePrefix` is not a valid prefix.
 */
export function smartAuthNamingStrategy(
  options: SmartNamingStrategyOptions = {},
): SmartAuthNamingStrategy {
  const prefix = checkTablePrefix(options.tablePrefix ?? '');
  const base = options.base ?? new DefaultNamingStrategy();
  const own: Record<PropertyKey, unknown> = {
    smartTablePrefix: prefix,
    tableName(targetName: string, userSpecifiedName: string | undefined): string {
      const table = SMART_TABLES_BY_ENTITY.get(targetName);
      return table !== undefined && table === userSpecifiedName
        ? prefix + table
        : base.tableName(targetName, userSpecifiedName);
    },
    indexName(tableOrName: Table | View | string, columns: string[], where?: string): string {
      const table = typeof tableOrName === 'string' ? tableOrName : tableOrName.name;
      return smartIndexName(prefix, table, columns) ?? base.indexName(tableOrName, columns, where);
    },
  };
  // A proxy rather than a subclass: `base` may be any strategy, and TypeORM versions differ in
  // which methods a strategy has.
  return new Proxy(base, {
    get(target, key) {
      if (Object.hasOwn(own, key)) return own[key];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  }) as SmartAuthNamingStrategy;
}
