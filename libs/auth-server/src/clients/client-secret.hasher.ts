import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256:';

/** A new client secret: 256 bits of randomness, base64url. */
export const generateClientSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Secrets are random 256-bit values, so a fast hash is enough (a slow password hash protects
 * low-entropy secrets); only the hash is stored and a dump yields nothing usable.
 * @see https://datatracker.ietf.org/doc/html/rfc6819#section-5.1.4.1.3
 */
export const hashClientSecret = (secret: string): string =>
  PREFIX + createHash('sha256').update(secret, 'utf8').digest('base64url');

/** Constant-time comparison of a presented secret with a stored hash. */
export function verifyClientSecret(presented: string, storedHash: string | null): boolean {
  if (!storedHash?.startsWith(PREFIX) || typeof presented !== 'string') return false;
  const expected = Buffer.from(storedHash.slice(PREFIX.length), 'base64url');
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
