import { KeyCipher } from './key.cipher.js';

const SECRET = 'a-long-enough-encryption-secret';
const JWK = JSON.stringify({ kty: 'EC', crv: 'P-256', d: 'private-part', kid: 'es256-1' });

/** Replaces one character of part `index` (0 = iv, 1 = tag, 2 = ciphertext) of sealed material. */
function tamper(material: string, index: number): string {
  const prefix = 'enc:v1:';
  const parts = material.slice(prefix.length).split('.');
  const chars = [...parts[index]];
  chars[1] = chars[1] === 'A' ? 'B' : 'A';
  parts[index] = chars.join('');
  return prefix + parts.join('.');
}

describe(KeyCipher.name, () => {
  const sut = new KeyCipher(SECRET);

  it('round-trips key material', () => {
    const sealed = sut.seal(JWK);
    expect(sut.enabled).toBe(true);
    expect(sealed.startsWith('enc:v1:')).toBe(true);
    expect(KeyCipher.isEncrypted(sealed)).toBe(true);
    expect(sealed).not.toContain('private-part');
    expect(sut.open(sealed)).toBe(JWK);
  });

  it('round-trips non-ASCII text and uses a fresh IV each time', () => {
    const text = 'clé secrète ✓ 鍵';
    const [a, b] = [sut.seal(text), sut.seal(text)];
    expect(a).not.toBe(b);
    expect(sut.open(a)).toBe(text);
    expect(sut.open(b)).toBe(text);
  });

  it('opens with another instance built from the same secret (a restart)', () => {
    expect(new KeyCipher(SECRET).open(sut.seal(JWK))).toBe(JWK);
  });

  it.each([
    ['iv', 0],
    ['tag', 1],
    ['ciphertext', 2],
  ])('refuses material whose %s was tampered with', (_part, index) => {
    const tampered = tamper(sut.seal(JWK), index);
    expect(() => sut.open(tampered)).toThrow(/SMART_KEY_ENCRYPTION_SECRET/);
  });

  it('refuses truncated material', () => {
    const sealed = sut.seal(JWK);
    expect(() => sut.open(sealed.slice(0, sealed.lastIndexOf('.')))).toThrow();
  });

  it('refuses a wrong secret with an error naming SMART_KEY_ENCRYPTION_SECRET', () => {
    const sealed = sut.seal(JWK);
    expect(() => new KeyCipher('another-wrong-secret-value').open(sealed)).toThrow(
      /wrong SMART_KEY_ENCRYPTION_SECRET/,
    );
  });

  it('refuses encrypted material when no secret is configured', () => {
    const sealed = sut.seal(JWK);
    expect(() => new KeyCipher(undefined).open(sealed)).toThrow(/set SMART_KEY_ENCRYPTION_SECRET/);
  });

  it.each([undefined, ''])('without a secret (%j) stores clear text', (secret) => {
    const disabled = new KeyCipher(secret);
    expect(disabled.enabled).toBe(false);
    expect(disabled.seal(JWK)).toBe(JWK);
    expect(disabled.open(JWK)).toBe(JWK);
    expect(KeyCipher.isEncrypted(JWK)).toBe(false);
  });

  it('with a secret still opens clear-text material written before encryption was enabled', () => {
    expect(sut.open(JWK)).toBe(JWK);
  });
});
