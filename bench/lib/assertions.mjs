// ES384 client assertions (RFC 7523 / SMART Backend Services), signed with node:crypto directly:
// synchronous and cheaper than WebCrypto, and the load process pre-signs them before a timed run.
import { Buffer } from 'node:buffer';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
} from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Assertion lifetime: SMART allows at most 5 minutes; leave room for clock skew. */
export const ASSERTION_LIFETIME_S = 280;

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A client key pair: private PKCS#8 PEM (to hand to other processes) and the public JWK. */
export function makeClientKey(alg = 'ES384', kid = 'bench-es384') {
  const namedCurve = { ES256: 'P-256', ES384: 'P-384' }[alg];
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return {
    alg,
    kid,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicJwk,
  };
}

/** Returns `sign(clientId, aud)` → compact JWS, for one key. */
export function assertionSigner({ alg, kid, privatePem }) {
  const key = createPrivateKey(privatePem);
  const hash = { ES256: 'sha256', ES384: 'sha384' }[alg];
  const header = b64({ alg, kid, typ: 'JWT' });
  return (clientId, aud) => {
    const now = Math.floor(Date.now() / 1000);
    const payload = b64({
      iss: clientId,
      sub: clientId,
      aud,
      iat: now,
      exp: now + ASSERTION_LIFETIME_S,
      jti: randomUUID(),
    });
    const input = `${header}.${payload}`;
    const sig = sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  };
}

/** The public key of a JWK, for verification in the bench servers. */
export const publicKeyOf = (jwk) => createPublicKey({ key: jwk, format: 'jwk' });

/**
 * Signs `count` token-request bodies in worker threads (one per core). `clientIds` are used
 * round-robin. Returns the form bodies as strings.
 */
export async function presignBodies({ key, clientIds, aud, scope, count }) {
  if (count <= 0) return [];
  const threads = Math.max(1, Math.min(availableParallelism(), 4));
  const per = Math.ceil(count / threads);
  const jobs = [];
  for (let t = 0; t < threads; t += 1) {
    const n = Math.min(per, count - t * per);
    if (n <= 0) break;
    jobs.push(
      new Promise((resolve, reject) => {
        const worker = new Worker(new URL('./sign-thread.mjs', import.meta.url), {
          workerData: { key, clientIds, aud, scope, count: n, offset: t * per },
        });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`sign thread exited with ${code}`));
        });
      }),
    );
  }
  return (await Promise.all(jobs)).flat();
}

/** The form body of a client_credentials request authenticated with `assertion`. */
export const assertionBody = (assertion, scope) =>
  new URLSearchParams({
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
  }).toString();
