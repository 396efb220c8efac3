import { generateKeyPair, randomBytes, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';
import type { SmartSigningAlg } from '../vocabulary/signing-alg.types.js';

const generate = promisify(generateKeyPair);

export type PrivateJwk = JsonWebKey & { kid: string; alg: string; use: 'sig' };

/** Generates a private signing JWK for `alg` with a random `kid`. */
export async function generateSigningJwk(alg: SmartSigningAlg): Promise<PrivateJwk> {
  const { privateKey } =
    alg === 'RS256'
      ? await generate('rsa', { modulusLength: 2048 })
      : await generate('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' });
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = `${alg.toLowerCase()}-${randomBytes(9).toString('base64url')}`;
  return { ...jwk, kid, alg, use: 'sig' };
}

/** A random cookie-signing secret. */
export const generateCookieSecret = (): string => randomBytes(32).toString('base64url');

/** The public half of a private JWK (what the JWKS publishes). */
export function toPublicJwk(jwk: PrivateJwk): Record<string, unknown> {
  const { kty, crv, x, y, n, e, kid, alg, use } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e, kid, alg, use }).filter(([, v]) => v !== undefined),
  );
}
