import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { ClientRegistryService } from '@smart-openehr/auth-server';

/** A confidential-asymmetric (private_key_jwt) client with its own key pair, for tests. */
export interface KeyClient {
  clientId: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  alg: 'ES384' | 'RS384' | 'ES256' | 'RS256' | 'PS256';
  /** Signs a client assertion for `aud` (defaults: kid, jti, exp = now + 60 s). */
  assertion: (
    aud: string,
    claims?: Record<string, unknown>,
    header?: Record<string, unknown>,
  ) => Promise<string>;
}

export async function makeKeyClient(
  alg: KeyClient['alg'] = 'ES384',
  clientId = `backend-${randomUUID()}`,
): Promise<KeyClient> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = {
    ...(await exportJWK(publicKey)),
    kid: `${alg.toLowerCase()}-1`,
    alg,
    use: 'sig',
  };
  return {
    clientId,
    privateKey,
    publicJwk,
    alg,
    assertion: (aud, claims = {}, header = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: clientId,
        sub: clientId,
        aud,
        iat: now,
        exp: now + 60,
        jti: randomUUID(),
        ...claims,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ alg, kid: publicJwk.kid, typ: 'JWT', ...header })
        .sign(privateKey);
    },
  };
}

/** Registers a private_key_jwt client directly in the registry (approved). */
export async function registerKeyClient(
  app: INestApplication,
  client: KeyClient,
  scope = 'system/composition-*.rs',
): Promise<void> {
  const now = Date.now();
  await app.get(ClientRegistryService).save({
    clientId: client.clientId,
    metadata: JSON.stringify({
      client_name: 'test backend',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: client.alg,
      jwks: { keys: [client.publicJwk] },
      scope,
    }),
    clientType: 'confidential-asymmetric',
    status: 'approved',
    trusted: false,
    secretHash: null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    createdBy: 'test',
    updatedBy: 'test',
    createdAt: now,
    updatedAt: now,
  });
}

/** POSTs a client_credentials request authenticated with an assertion. */
export function tokenWithAssertion(
  tokenUrl: string,
  assertion: string,
  scope = 'system/composition-*.rs',
): Promise<Response> {
  return fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
}
