import type { JWK } from 'jose';

type Metadata = Record<string, unknown>;

/** A valid public client (browser / native app): authorization code + refresh, no secret. */
export const makePublicClient = (overrides: Metadata = {}): Metadata => ({
  client_name: 'Public SMART app',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['https://app.example.org/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'launch openid fhirUser offline_access patient/composition-*.rs',
  ...overrides,
});

/** A valid confidential-symmetric backend client (client_credentials with a secret). */
export const makeSymmetricClient = (overrides: Metadata = {}): Metadata => ({
  client_name: 'Secret backend',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  scope: 'system/composition-*.rs',
  ...overrides,
});

/** A valid confidential-asymmetric backend client (private_key_jwt). */
export const makeAsymmetricClient = (
  jwks: { keys: JWK[] },
  overrides: Metadata = {},
): Metadata => ({
  client_name: 'Key-pair backend',
  token_endpoint_auth_method: 'private_key_jwt',
  grant_types: ['client_credentials'],
  jwks,
  scope: 'system/composition-*.rs',
  ...overrides,
});
