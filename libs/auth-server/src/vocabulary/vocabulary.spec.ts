import {
  SignJWT,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
} from 'jose';
import { GRANTS_BY_CLIENT_TYPE } from '../clients/client-type.policy.js';
import { clientTypeOf } from '../clients/client.types.js';
import { validateClientJwks } from '../clients/jwks.validator.js';
import { generateSigningJwk, toPublicJwk } from '../keys/key.generator.js';
import { CLIENT_AUTH_METHODS } from './client-auth-method.types.js';
import { FORBIDDEN_GRANT_TYPES, GRANT_TYPES } from './grant-type.types.js';
import { CLIENT_ASSERTION_ALGS, TOKEN_SIGNING_ALGS } from './signing-alg.types.js';

/** Signs a tiny JWT with `privateKey` and verifies it with `publicKey`, pinned to `alg`. */
async function roundTrip(alg: string, privateKey: CryptoKey, publicKey: CryptoKey) {
  const jwt = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg }).sign(privateKey);
  return (await jwtVerify(jwt, publicKey, { algorithms: [alg] })).protectedHeader.alg;
}

describe('protocol vocabulary', () => {
  it.each([...CLIENT_ASSERTION_ALGS])(
    'client-assertion alg %s: a client may declare a key for it, and jose verifies with it',
    async (alg) => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg };
      await expect(validateClientJwks({ keys: [jwk] })).resolves.toEqual({ keys: [jwk] });
      await expect(roundTrip(alg, privateKey, publicKey)).resolves.toBe(alg);
    },
  );

  it.each([...TOKEN_SIGNING_ALGS])(
    'token signing alg %s: the key generator makes a key whose published half verifies',
    async (alg) => {
      const jwk = await generateSigningJwk(alg);
      const privateKey = (await importJWK(jwk as JWK, alg)) as CryptoKey;
      const publicKey = (await importJWK(toPublicJwk(jwk) as JWK, alg)) as CryptoKey;
      await expect(roundTrip(alg, privateKey, publicKey)).resolves.toBe(alg);
    },
  );

  it('every advertised client auth method decides a client type', () => {
    expect(CLIENT_AUTH_METHODS.filter((m) => clientTypeOf(m) === undefined)).toEqual([]);
  });

  it('every advertised grant type is allowed to some client type, and no forbidden one is', () => {
    const allowed = new Set(Object.values(GRANTS_BY_CLIENT_TYPE).flat());
    expect([...allowed].sort()).toEqual([...GRANT_TYPES].sort());
    expect(
      GRANT_TYPES.filter((g) => (FORBIDDEN_GRANT_TYPES as readonly string[]).includes(g)),
    ).toEqual([]);
  });
});
