import { importJWK, type JWK } from 'jose';
import { ClientMetadataError } from '../errors/client-metadata.error.js';
import { CLIENT_ASSERTION_ALGS } from '../vocabulary/signing-alg.types.js';

/** JWK members that hold private or symmetric key material. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const MAX_KEYS = 20;
const MIN_RSA_MODULUS_BYTES = 256;
const EC_ALG_BY_CURVE: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384' };

type ClientJwk = Record<string, unknown>;

const fail = (problem: string) => new ClientMetadataError('jwks', problem);
const label = (key: ClientJwk, index: number) =>
  typeof key.kid === 'string' ? `key "${key.kid}"` : `key ${index}`;

/** The algorithm a key is for: its `alg`, else the one its type implies. */
function algFor(key: ClientJwk, index: number): string {
  if (key.kty === 'RSA') {
    const modulus = typeof key.n === 'string' ? Buffer.from(key.n, 'base64url') : Buffer.alloc(0);
    if (modulus.length < MIN_RSA_MODULUS_BYTES) {
      throw fail(`${label(key, index)} must be an RSA key of at least 2048 bits`);
    }
    const alg = (key.alg as string | undefined) ?? 'RS384';
    if (!/^(RS|PS)/.test(alg))
      throw fail(`${label(key, index)} alg ${alg} does not fit an RSA key`);
    return alg;
  }
  if (key.kty === 'EC') {
    const curveAlg = EC_ALG_BY_CURVE[String(key.crv)];
    if (!curveAlg) throw fail(`${label(key, index)} curve must be P-256 or P-384`);
    const alg = (key.alg as string | undefined) ?? curveAlg;
    if (alg !== curveAlg)
      throw fail(`${label(key, index)} alg ${alg} does not fit curve ${key.crv as string}`);
    return alg;
  }
  throw fail(`${label(key, index)} must be an RSA or EC public key (kty RSA or EC)`);
}

/** Checks the members of one key (no private material, kid, alg, use) without parsing it. */
function checkMembers(key: unknown, index: number): ClientJwk {
  if (key === null || typeof key !== 'object' || Array.isArray(key)) {
    throw fail(`key ${index} must be a JSON object`);
  }
  const jwk = key as ClientJwk;
  const secret = PRIVATE_MEMBERS.find((member) => member in jwk);
  if (secret) {
    throw fail(
      `${label(jwk, index)} contains private key material ("${secret}"); register public keys only`,
    );
  }
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > 255) {
    throw fail(`key ${index} must have a kid`);
  }
  if (jwk.alg !== undefined && !(CLIENT_ASSERTION_ALGS as readonly unknown[]).includes(jwk.alg)) {
    throw fail(`${label(jwk, index)} alg must be one of ${CLIENT_ASSERTION_ALGS.join(', ')}`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw fail(`${label(jwk, index)} use must be "sig"`);
  }
  return jwk;
}

/**
 * Validates a client's `jwks`: a non-empty `keys` array of parsable RSA (>= 2048 bits) or EC
 * (P-256, P-384) public keys, no private key material, every `kid` present and unique, `alg`
 * (when given) among the client-assertion algorithms. Throws `ClientMetadataError` naming `jwks`.
 * @see https://datatracker.ietf.org/doc/html/rfc7591#section-2
 * @see https://hl7.org/fhir/smart-app-launch/backend-services.html#registering-a-smart-backend-service-communicating-public-keys
 */
export async function validateClientJwks(jwks: unknown): Promise<{ keys: ClientJwk[] }> {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (jwks === null || typeof jwks !== 'object' || !Array.isArray(keys)) {
    throw fail('must be a JSON Web Key Set: an object with a "keys" array');
  }
  if (keys.length === 0 || keys.length > MAX_KEYS) {
    throw fail(`must hold between 1 and ${MAX_KEYS} keys`);
  }
  const checked = keys.map(checkMembers);
  const kids = new Set<string>();
  for (const [index, key] of checked.entries()) {
    const kid = key.kid as string;
    if (kids.has(kid)) throw fail(`duplicate kid "${kid}"`);
    kids.add(kid);
    const alg = algFor(key, index);
    try {
      await importJWK(key as JWK, alg);
    } catch {
      throw fail(`${label(key, index)} is not a valid ${alg} public key`);
    }
  }
  return { keys: checked.map((key) => ({ ...key })) };
}
