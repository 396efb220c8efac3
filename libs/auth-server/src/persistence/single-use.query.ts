import type { DataSource } from 'typeorm';
import { guardDb } from './persistence.errors.js';
import { sqlRunnerFor } from './sql.runner.js';

/** The single-use row to mark consumed, and what else must hold for it to be usable. */
export interface SingleUseTarget {
  /** The (prefixed) table, as `smartTablesOf` resolves it. */
  readonly table: string;
  /** Columns and values that identify the row (e.g. `{ model, id }`), in statement order. */
  readonly key: Readonly<Record<string, string>>;
  /** Also require `expires_at > now` (an expired row cannot be used up). */
  readonly unexpired?: boolean;
  /** Also require the row to be unbound (`column IS NULL`) or bound to `value`. */
  readonly boundTo?: { readonly column: string; readonly value: string };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  // Names are interpolated into SQL: only the plain identifiers code passes are accepted.
  if (!IDENTIFIER.test(name)) throw new Error(`unexpected SQL identifier ${name}`);
  return name;
}

/**
 * The one atomic single-use path (authorization codes, refresh tokens, launch handles...): a
 * conditional `UPDATE ... SET consumed_at = now WHERE <key> AND consumed_at IS NULL ... RETURNING
 * id`. The database decides, so of concurrent callers exactly one gets `true`, on SQLite (>= 3.35)
 * and PostgreSQL alike.
 * @returns whether this call consumed the row (`false`: unknown, already used, or a condition failed)
 */
export async function consumeOnce(
  dataSource: DataSource,
  target: SingleUseTarget,
  now: number,
): Promise<boolean> {
  return (await consumeReturning(dataSource, target, now, 'id')) !== undefined;
}

/**
 * `consumeOnce`, returning one column of the row this call consumed (`undefined` when it consumed
 * none): the use and the read of what the row holds in one statement.
 */
export async function consumeReturning(
  dataSource: DataSource,
  target: SingleUseTarget,
  now: number,
  column: string,
): Promise<unknown> {
  const postgres = dataSource.options.type === 'postgres';
  const params: unknown[] = [];
  const $ = (value: unknown): string => {
    params.push(value);
    return postgres ? `$${params.length}` : '?';
  };
  const set = `consumed_at = ${$(now)}`;
  const where = Object.entries(target.key).map(
    ([column, value]) => `${identifier(column)} = ${$(value)}`,
  );
  where.push('consumed_at IS NULL');
  if (target.unexpired) where.push(`expires_at > ${$(now)}`);
  if (target.boundTo) {
    const column = identifier(target.boundTo.column);
    where.push(`(${column} IS NULL OR ${column} = ${$(target.boundTo.value)})`);
  }
  const returned = identifier(column);
  const sql = `UPDATE ${identifier(target.table)} SET ${set} WHERE ${where.join(' AND ')} RETURNING ${returned}`;
  const [row] = await guardDb(() => sqlRunnerFor(dataSource).rows(sql, params));
  return (row as Record<string, unknown> | undefined)?.[returned];
}
