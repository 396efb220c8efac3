import Database from 'better-sqlite3';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { DatabaseUnavailableError } from '../errors/database-unavailable.error.js';
import {
  AlreadyConsumedError,
  guardDb,
  isConnectionError,
  isUniqueViolation,
  ReplayDetectedError,
} from './persistence.errors.js';

/** A PostgreSQL server error as `pg` raises it. */
const pgError = (code: string, message = `pg error ${code}`) =>
  Object.assign(new pg.DatabaseError(message, message.length, 'error'), { code });
/** A Node socket/DNS error as `net` raises it. */
const netError = (code: string, message = `connect ${code} 127.0.0.1:5432`) =>
  Object.assign(new Error(message), { code, syscall: 'connect' });
/** TypeORM wraps driver errors: the code is on `driverError` (and copied onto the wrapper). */
const wrapped = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);
/** The same driver code, seen only through `driverError`. */
const onlyDriverError = (code: string) => ({ message: 'x', driverError: { code } });

/** Real better-sqlite3 errors. */
function sqliteError(statement: string): unknown {
  const db = new Database(':memory:');
  try {
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL)');
    db.exec("INSERT INTO t VALUES ('1', 'a', 'x')");
    db.exec(statement);
  } catch (err) {
    return err;
  } finally {
    db.close();
  }
  throw new Error(`no error from ${statement}`);
}
function closedSqliteError(): unknown {
  const db = new Database(':memory:');
  db.close();
  try {
    db.prepare('SELECT 1').get();
  } catch (err) {
    return err;
  }
  throw new Error('a closed database answered');
}

describe(isUniqueViolation.name, () => {
  it.each<[string, unknown]>([
    ['pg 23505', pgError('23505', 'duplicate key value violates unique constraint')],
    ['pg 23505 wrapped by TypeORM', wrapped(pgError('23505'))],
    ['23505 on driverError only', onlyDriverError('23505')],
    ['SQLite primary key', sqliteError("INSERT INTO t VALUES ('1', 'b', 'x')")],
    ['SQLite unique index', sqliteError("INSERT INTO t VALUES ('2', 'a', 'x')")],
    [
      'SQLite unique, wrapped',
      wrapped(sqliteError("INSERT INTO t VALUES ('2', 'a', 'x')") as Error),
    ],
  ])('is true for %s', (_case, err) => {
    expect(isUniqueViolation(err)).toBe(true);
    expect(isConnectionError(err)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['pg foreign key 23503', pgError('23503')],
    ['pg not null 23502', pgError('23502')],
    ['SQLite NOT NULL', sqliteError("INSERT INTO t VALUES ('3', 'c', NULL)")],
    ['a connection error', netError('ECONNREFUSED')],
    ['a plain Error', new Error('duplicate')],
    ['a numeric code', { code: 23505 }],
    ['null', null],
    ['undefined', undefined],
    ['a string', '23505'],
  ])('is false for %s', (_case, err) => {
    expect(isUniqueViolation(err)).toBe(false);
  });
});

describe(isConnectionError.name, () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
  ])('is true for the socket error %s, bare or wrapped', (code) => {
    expect(isConnectionError(netError(code))).toBe(true);
    expect(isConnectionError(onlyDriverError(code))).toBe(true);
  });

  it.each([
    ['53300', 'sorry, too many clients already'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection due to crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['08000', 'connection exception'],
    ['08001', 'could not connect'],
    ['08003', 'connection does not exist'],
    ['08006', 'connection failure'],
  ])('is true for the PostgreSQL error %s (%s), bare or wrapped', (code, message) => {
    expect(isConnectionError(pgError(code, message))).toBe(true);
    expect(isConnectionError(wrapped(pgError(code, message)))).toBe(true);
  });

  it.each(['SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN'])('is true for %s', (code) => {
    expect(isConnectionError(onlyDriverError(code))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'connect ECONNREFUSED 127.0.0.1:5432',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
  ])('is true for a code-less error saying "%s"', (message) => {
    expect(isConnectionError(new Error(message))).toBe(true);
  });

  it('is true for a closed better-sqlite3 database', () => {
    expect(isConnectionError(closedSqliteError())).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a syntax error 42601', pgError('42601', 'syntax error at or near "SELEC"')],
    ['a statement timeout 57014', pgError('57014', 'canceling statement due to statement timeout')],
    ['a unique violation', pgError('23505')],
    ['a plain Error', new Error('boom')],
    ['a numeric code', { code: 111 }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('is false for %s', (_case, err) => {
    expect(isConnectionError(err)).toBe(false);
  });
});

describe(guardDb.name, () => {
  it('returns what the work returns', async () => {
    await expect(guardDb(() => Promise.resolve(42))).resolves.toBe(42);
  });

  it('turns a connection failure into DatabaseUnavailableError, keeping the cause', async () => {
    const cause = netError('ECONNREFUSED');
    const err: unknown = await guardDb(() => Promise.reject(cause)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect(err).toMatchObject({ code: 'ERR_DATABASE_UNAVAILABLE', cause });
  });

  it('lets every other error through unchanged', async () => {
    const cause = pgError('23505');
    await expect(guardDb(() => Promise.reject(cause))).rejects.toBe(cause);
  });
});

describe('persistence error classes', () => {
  it('carry stable codes and name the model', () => {
    expect(new AlreadyConsumedError('AuthorizationCode')).toMatchObject({
      code: 'ERR_ALREADY_CONSUMED',
      model: 'AuthorizationCode',
      message: 'AuthorizationCode already consumed',
    });
    expect(new ReplayDetectedError()).toMatchObject({ code: 'ERR_REPLAY_DETECTED' });
  });
});
