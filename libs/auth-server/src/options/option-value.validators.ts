import { SmartAuthConfigError } from './auth-config.error.js';

// Checks of single option values, shared by the option resolvers; each throws
// `SmartAuthConfigError` naming the option.

/** An absolute http(s) URL without query, fragment or trailing slash. */
export function absoluteUrl(option: string, value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new SmartAuthConfigError(option, 'must be an absolute URL');
  }
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SmartAuthConfigError(option, 'must be an http(s) URL');
  }
  if (url.search || url.hash || value.endsWith('/')) {
    throw new SmartAuthConfigError(option, 'must not have a query, a fragment or a trailing slash');
  }
  return value;
}

/** An integer of at least `min`. */
export function integer(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const what =
      min === 1
        ? 'a positive integer'
        : min === 0
          ? 'a non-negative integer'
          : `an integer >= ${min}`;
    throw new SmartAuthConfigError(option, `must be ${what}`);
  }
  return value;
}

export function bool(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new SmartAuthConfigError(option, 'must be a boolean');
  return value;
}

/** An options object (absent: empty). */
export function object<T extends object>(option: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SmartAuthConfigError(option, 'must be an object');
  }
  return value;
}

export function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new SmartAuthConfigError(option, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function stringList(option: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new SmartAuthConfigError(option, 'must be a list of non-empty strings');
  }
  return value as string[];
}

export const positiveInt = (option: string, value: unknown): number => integer(option, value, 1);

export const nonNegativeInt = (option: string, value: unknown): number => integer(option, value, 0);

/** A TCP port to listen on (1–65535). */
export function tcpPort(option: string, value: unknown): number {
  const port = integer(option, value, 1);
  if (port > 65535) throw new SmartAuthConfigError(option, 'must be a port number (1-65535)');
  return port;
}

/** A non-empty string. */
export function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SmartAuthConfigError(option, 'must be a non-empty string');
  }
  return value;
}
