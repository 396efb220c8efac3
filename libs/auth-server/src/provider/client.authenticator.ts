import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import { OAuthError } from '../errors/oauth.error.js';
import { ASSERTION_CLOCK_SKEW_SECONDS } from '../vocabulary/clock-skew.constants.js';
import { CLIENT_ASSERTION_ALGS } from '../vocabulary/signing-alg.types.js';
import { assertSmartClientAssertion } from './client-assertion.rules.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The engine's view of a client (the subset we use). */
export interface EngineClient {
  clientId: string;
  clientAuthMethod: string;
  clientAuthSigningAlg?: string;
  jwksUri?: string;
  jwks?: { keys?: JWK[] };
  compareClientSecret(secret: string): Promise<boolean>;
  asymmetricKeyStore: Iterable<JWK> & { refresh(): Promise<void> };
}

/** Form fields and the Authorization header of a request to introspect or revoke. */
export interface ClientAuthInput {
  authorization?: string;
  params: Record<string, unknown>;
  /** Accepted `aud` values for an assertion: this endpoint's URL, the issuer, the token endpoint. */
  audiences: string[];
  /** Public clients (`none`) may identify themselves by `client_id` alone (revocation, RFC 7009 §2.1). */
  allowPublic?: boolean;
}

const invalidClient = (why: string) =>
  new OAuthError('invalid_client', why, 401, { 'WWW-Authenticate': 'Basic realm="smart"' });
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function parseBasic(header: string): { id: string; secret: string } {
  const encoded = header.slice(6).trim();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || colon < 1) {
    throw invalidClient('malformed Basic authorization header');
  }
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    throw invalidClient('malformed Basic authorization header');
  }
}

/**
 * Client authentication for the endpoints we serve beside the engine (introspection,
 * revocation), with the same methods and rules as the engine's token endpoint.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-2.3
 * @see https://datatracker.ietf.org/doc/html/rfc7523#section-3
 */
export async function authenticateClient(
  provider: Provider,
  input: ClientAuthInput,
): Promise<EngineClient> {
  const { params } = input;
  const basic = input.authorization?.toLowerCase().startsWith('basic ');
  const assertion = str(params.client_assertion);
  const postSecret = str(params.client_secret);
  if ([basic, assertion !== undefined, postSecret !== undefined].filter(Boolean).length > 1) {
    throw OAuthError.invalidRequest(
      'client authentication must only be provided using one mechanism',
    );
  }
  if (basic) {
    const { id, secret } = parseBasic(input.authorization!);
    return verifySecret(provider, id, secret);
  }
  if (postSecret !== undefined)
    return verifySecret(provider, str(params.client_id) ?? '', postSecret);
  if (assertion !== undefined) return verifyAssertion(provider, assertion, params, input.audiences);
  const publicId = str(params.client_id);
  if (input.allowPublic && publicId) {
    const client = await findClient(provider, publicId);
    if (client.clientAuthMethod === 'none') return client;
  }
  throw invalidClient('no client authentication provided');
}

async function findClient(provider: Provider, id: string): Promise<EngineClient> {
  const client = id
    ? ((await provider.Client.find(id)) as unknown as EngineClient | undefined)
    : undefined;
  if (!client) throw invalidClient('client not found or not approved');
  return client;
}

async function verifySecret(provider: Provider, id: string, secret: string): Promise<EngineClient> {
  const client = await findClient(provider, id);
  if (!client.clientAuthMethod.startsWith('client_secret_')) {
    throw invalidClient('the client is not registered for secret authentication');
  }
  if (!(await client.compareClientSecret(secret))) throw invalidClient('invalid secret provided');
  return client;
}

async function verifyAssertion(
  provider: Provider,
  assertion: string,
  params: Record<string, unknown>,
  audiences: string[],
): Promise<EngineClient> {
  if (params.client_assertion_type !== ASSERTION_TYPE) {
    throw OAuthError.invalidRequest(`client_assertion_type must be ${ASSERTION_TYPE}`);
  }
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw invalidClient('invalid client_assertion format');
  }
  const client = await findClient(provider, str(claims.iss) ?? '');
  if (client.clientAuthMethod !== 'private_key_jwt') {
    throw invalidClient('the client is not registered for private_key_jwt');
  }
  await client.asymmetricKeyStore.refresh();
  const keys = createLocalJWKSet({ keys: [...client.asymmetricKeyStore] });
  try {
    const { payload, protectedHeader } = await jwtVerify(assertion, keys, {
      issuer: client.clientId,
      audience: audiences,
      algorithms: client.clientAuthSigningAlg
        ? [client.clientAuthSigningAlg]
        : [...CLIENT_ASSERTION_ALGS],
      requiredClaims: ['exp', 'jti', 'sub'],
      clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
    });
    assertSmartClientAssertion(undefined as never, payload, protectedHeader, client);
    const unique = await provider.ReplayDetection.unique(
      client.clientId,
      payload.jti!,
      payload.exp! + 5,
    );
    if (!unique) throw invalidClient('client assertion tokens must only be used once');
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    const detail = (err as { error_detail?: string; message?: string }).error_detail;
    throw invalidClient(detail ?? (err as Error).message);
  }
  return client;
}
