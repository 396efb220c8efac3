import * as crypto from 'node:crypto';
import type { jest as JestObject } from '@jest/globals';

// ESM: mock `node:crypto` before importing the subject, to watch the comparison it makes.
const { jest } = import.meta as unknown as { jest: typeof JestObject };
const timingSafeEqual = jest.fn(crypto.timingSafeEqual);
jest.unstable_mockModule('node:crypto', () => ({ ...crypto, timingSafeEqual }));
const { generateClientSecret, hashClientSecret, verifyClientSecret } =
  await import('./client-secret.hasher.js');

describe('client secrets', () => {
  beforeEach(() => timingSafeEqual.mockClear());

  it('generates 256-bit base64url secrets, never twice the same', () => {
    const secrets = Array.from({ length: 50 }, () => generateClientSecret());
    for (const s of secrets) {
      expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(s, 'base64url')).toHaveLength(32);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('hashes deterministically, with a scheme prefix and without the secret in it', () => {
    const secret = generateClientSecret();
    const hash = hashClientSecret(secret);
    expect(hash).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain(secret);
    expect(hashClientSecret(secret)).toBe(hash);
    expect(hashClientSecret(`${secret}x`)).not.toBe(hash);
  });

  it('verifies the right secret through a constant-time comparison', () => {
    const secret = generateClientSecret();
    expect(verifyClientSecret(secret, hashClientSecret(secret))).toBe(true);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [a, b] = timingSafeEqual.mock.calls[0] as [Buffer, Buffer];
    expect(a).toHaveLength(32);
    expect(b).toHaveLength(32);
  });

  it('refuses a wrong secret, also through the constant-time comparison', () => {
    const hash = hashClientSecret(generateClientSecret());
    expect(verifyClientSecret(generateClientSecret(), hash)).toBe(false);
    expect(verifyClientSecret('', hash)).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
  });

  it.each<[string, string | null | undefined]>([
    ['null', null],
    ['undefined', undefined],
    ['empty', ''],
    ['unprefixed (the secret itself)', 'the-secret-itself'],
    ['another scheme', '$2b$10$abcdefghijklmnopqrstuv'],
    ['truncated', 'sha256:abc'],
  ])('is false for a %s stored hash, without throwing', (_case, stored) => {
    expect(verifyClientSecret('the-secret-itself', stored as string | null)).toBe(false);
  });

  it('is false when the presented secret is not a string', () => {
    const hash = hashClientSecret('s');
    expect(verifyClientSecret(undefined as unknown as string, hash)).toBe(false);
    expect(verifyClientSecret(42 as unknown as string, hash)).toBe(false);
  });
});
