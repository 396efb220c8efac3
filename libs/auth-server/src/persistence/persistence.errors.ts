import { DatabaseUnavailableError } from '../errors/database-unavailable.error.js';
/** A single-use row was already used (code, refresh token, launch handle). */
export class AlreadyConsumedError extends Error {
  readonly code = 'ERR_ALREADY_CONSUMED';
  constructor(readonly model: string) {
    super(`${model} already consumed`);
  }
}

/** A replay-detection record (client assertion `jti`) already exists. */
export class ReplayDetectedError extends Error {
  readonly code = 'ERR_REPLAY_DETECTED';
  constructor() {
    super('replay detected');
  }
}

const UNIQUE_VIOLATIONS = new Set([
  '23505',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_UNIQUE',
]);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN', // temporary DNS failure
  'EHOSTUNREACH',
  'ENETUNREACH',
  '53300', // too_many_connections: "sorry, too many clients already"
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
]);

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a driver error is a unique-key violation (PostgreSQL or SQLite). */
export function isUniqueViolation(err: unknown): boolean {
  return UNIQUE_VIOLATIONS.has(codeOf(err) ?? '');
}

/** Whether a driver error means the database is unreachable. */
export function isConnectionError(err: unknown): boolean {
  const code = codeOf(err);
  if (code && CONNECTION_CODES.has(code)) return true;
  // Duck-typed: errors raised by native drivers may come from another realm (no `instanceof Error`).
  const message = (err as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return false;
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error|database connection is not open/i.test(
    message,
  );
}

/** Runs a database call, turning connection failures into `DatabaseUnavailableError`. */
export async function guardDb<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isConnectionError(err)) throw new DatabaseUnavailableError(err);
    throw err;
  }
}
