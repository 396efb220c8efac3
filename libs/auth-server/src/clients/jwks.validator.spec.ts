import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { ClientMetadataError } from '../errors/client-metadata.error.js';
import { validateClientJwks } from './jwks.validator.js';

async function pair(alg: string, kid = alg) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return {
    pub: { ...(await exportJWK(publicKey)), kid, alg },
    priv: { ...(await exportJWK(privateKey)), kid, alg },
  };
}

const problem = (jwks: unknown) =>
  validateClientJwks(jwks).then(
    () => 'accepted',
    (e: ClientMetadataError) => e.description,
  );

describe(validateClientJwks.name, () => {
  it('accepts RS384, PS256, ES256 and ES384 public keys with unique kids', async () => {
    const keys = await Promise.all(['RS384', 'PS256', 'ES256', 'ES384'].map((a) => pair(a)));
    await expect(validateClientJwks({ keys: keys.map((k) => k.pub) })).resolves.toEqual({
      keys: keys.map((k) => k.pub),
    });
  });

  it('accepts a key without alg (implied by its type)', async () => {
    const { pub } = await pair('ES256');
    const { alg: _alg, ...withoutAlg } = pub;
    expect(await problem({ keys: [withoutAlg] })).toBe('accepted');
  });

  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi'])('refuses private RSA member %s', async (member) => {
    const { pub, priv } = await pair('RS384');
    expect(await problem({ keys: [{ ...pub, [member]: (priv as any)[member] }] })).toMatch(
      new RegExp(`private key material \\("${member}"\\)`),
    );
  });

  it('refuses symmetric keys', async () => {
    expect(await problem({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }] })).toMatch(
      /private key material \("k"\)/,
    );
  });

  it.each([
    ['not an object', null, /keys/],
    ['no keys array', {}, /keys/],
    ['empty', { keys: [] }, /between 1 and 20/],
    ['a key that is not an object', { keys: ['x'] }, /JSON object/],
  ])('refuses %s', async (_n, jwks, expected) => {
    expect(await problem(jwks)).toMatch(expected);
  });

  it('refuses missing and duplicate kids, foreign algs, mismatched curves, small RSA, bad use', async () => {
    const es = await pair('ES384', 'same');
    const es2 = await pair('ES384', 'same');
    const { kid: _kid, ...noKid } = es.pub;
    expect(await problem({ keys: [noKid] })).toMatch(/must have a kid/);
    expect(await problem({ keys: [es.pub, es2.pub] })).toMatch(/duplicate kid "same"/);
    expect(await problem({ keys: [{ ...es.pub, alg: 'HS256' }] })).toMatch(/alg must be one of/);
    expect(await problem({ keys: [{ ...es.pub, alg: 'ES256' }] })).toMatch(
      /does not fit curve P-384/,
    );
    expect(await problem({ keys: [{ ...es.pub, use: 'enc' }] })).toMatch(/use must be "sig"/);
    expect(await problem({ keys: [{ ...es.pub, x: 'AAAA' }] })).toMatch(
      /not a valid ES384 public key/,
    );
    expect(await problem({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA', kid: 'o' }] })).toMatch(
      /RSA or EC/,
    );
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'jwk',
    });
    expect(await problem({ keys: [{ ...small, kid: 'small' }] })).toMatch(/2048 bits/);
  });
});
