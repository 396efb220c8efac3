/** The database cannot be reached. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'ERR_DATABASE_UNAVAILABLE';
  constructor(cause: unknown) {
    super('database unavailable', { cause });
  }
}
