import { createPublicKey } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A signing key of the fake issuer; `publicJwk` is what the JWKS publishes. */
export interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeSigningKey(alg: 'ES256' | 'RS256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

/** SPKI PEM of a published key (for the "HS256 signed with the public key" attack). */
export function publicPem(key: SigningKey): string {
  return createPublicKey({ key: key.publicJwk, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

export interface TokenOptions {
  issuer: string;
  audience: string;
  /** Extra or overriding claims (`undefined` values remove a claim). */
  claims?: Record<string, unknown>;
  /** Overriding header fields (`kid: undefined` removes the kid). */
  header?: Record<string, unknown>;
  /** Seconds from now; negative for expired tokens. */
  expiresIn?: number;
}

/** Signs an RFC 9068 access token (`typ: at+jwt`) with `key`. */
export async function signAccessToken(
  key: SigningKey,
  scope: string,
  options: TokenOptions,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: options.issuer,
    aud: options.audience,
    sub: 'user-1',
    client_id: 'app-1',
    jti: `jti-${Math.random()}`,
    iat: now,
    exp: now + (options.expiresIn ?? 300),
    scope,
    ...options.claims,
  };
  const header = { alg: key.alg, typ: 'at+jwt', kid: key.kid, ...options.header };
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  const protectedHeader = Object.fromEntries(
    Object.entries(header).filter(([, v]) => v !== undefined),
  );
  return new SignJWT(payload)
    .setProtectedHeader(protectedHeader as { alg: string })
    .sign(key.privateKey);
}

/** An unsigned token (`alg: none`). */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'at+jwt' })}.${part(claims)}.`;
}
