import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two strings are equal, in time independent of where they differ (CSRF tokens, MACs).
 * Unequal lengths answer at once: the tokens compared here have a fixed, public length.
 */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
