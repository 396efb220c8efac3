import { exportJWK, generateKeyPair } from 'jose';
import { ClientMetadataError } from '../errors/client-metadata.error.js';
import { validateClientMetadata } from './client-metadata.validator.js';

const rules = { extraScopes: ['admin', 'launch:create', 'introspect'] };
const sut = (input: Record<string, unknown>) => validateClientMetadata(input, rules);

const app = (extra: Record<string, unknown> = {}) => ({
  token_endpoint_auth_method: 'none',
  redirect_uris: ['https://app.example.org/cb'],
  ...extra,
});
const backend = (extra: Record<string, unknown> = {}) => ({
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  ...extra,
});

async function publicJwks() {
  const { publicKey } = await generateKeyPair('ES384');
  return { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] };
}

describe(validateClientMetadata.name, () => {
  it('defaults a code client per RFC 7591 and SMART', async () => {
    const { clientType, metadata } = await sut(app());
    expect(clientType).toBe('public');
    expect(metadata).toEqual({
      token_endpoint_auth_method: 'none',
      redirect_uris: ['https://app.example.org/cb'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      launch_modes: ['ehr', 'standalone'],
    });
  });

  it('defaults the auth method to client_secret_basic (RFC 7591)', async () => {
    const { clientType } = await sut({ redirect_uris: ['https://a.example/cb'] });
    expect(clientType).toBe('confidential-symmetric');
  });

  it('drops unknown members and keeps descriptive ones', async () => {
    const { metadata } = await sut(
      backend({
        client_name: 'B',
        contacts: ['a@b.example'],
        whatever: 1,
        logo_uri: 'https://x.example/l.png',
      }),
    );
    expect(metadata).not.toHaveProperty('whatever');
    expect(metadata).toMatchObject({
      client_name: 'B',
      contacts: ['a@b.example'],
      response_types: [],
    });
    expect(metadata).not.toHaveProperty('launch_modes');
  });

  it.each([
    ['public + client_credentials', app({ grant_types: ['client_credentials'] }), 'grant_types'],
    [
      'public + jwt-bearer',
      app({ grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'] }),
      'grant_types',
    ],
    [
      'secret + jwt-bearer',
      backend({ grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'] }),
      'grant_types',
    ],
    ['password', backend({ grant_types: ['password'] }), 'grant_types'],
    ['implicit', app({ grant_types: ['implicit'] }), 'grant_types'],
    ['empty grants', backend({ grant_types: [] }), 'grant_types'],
    [
      'refresh without code',
      backend({ grant_types: ['client_credentials', 'refresh_token'] }),
      'grant_types',
    ],
    ['token response', app({ response_types: ['token'] }), 'response_types'],
    ['code without the code grant', backend({ response_types: ['code'] }), 'response_types'],
    ['no response type with code', app({ response_types: [] }), 'response_types'],
    ['no redirect', app({ redirect_uris: undefined }), 'redirect_uris'],
    [
      'https loopback in a native app',
      app({ redirect_uris: ['com.example.app:/cb', 'https://localhost/cb'] }),
      'redirect_uris',
    ],
    [
      'web app with a private-use scheme',
      app({ application_type: 'web', redirect_uris: ['com.example.app:/cb'] }),
      'application_type',
    ],
    ['bad application_type', app({ application_type: 'desktop' }), 'application_type'],
    [
      'unknown method',
      app({ token_endpoint_auth_method: 'tls_client_auth' }),
      'token_endpoint_auth_method',
    ],
    ['non-string method', app({ token_endpoint_auth_method: 3 }), 'token_endpoint_auth_method'],
    ['jwks on a public client', app({ jwks: { keys: [] } }), 'jwks'],
    [
      'symmetric ID tokens',
      app({ id_token_signed_response_alg: 'HS256' }),
      'id_token_signed_response_alg',
    ],
    [
      'unsigned ID tokens',
      app({ id_token_signed_response_alg: 'none' }),
      'id_token_signed_response_alg',
    ],
    [
      'an ID token algorithm not a string',
      app({ id_token_signed_response_alg: ['ES256'] }),
      'id_token_signed_response_alg',
    ],
    ['jwks_uri on a secret client', backend({ jwks_uri: 'https://x.example/jwks' }), 'jwks_uri'],
    [
      'signing alg on a secret client',
      backend({ token_endpoint_auth_signing_alg: 'RS384' }),
      'token_endpoint_auth_signing_alg',
    ],
    [
      'private_key_jwt without keys',
      backend({ token_endpoint_auth_method: 'private_key_jwt' }),
      'jwks',
    ],
    [
      'http jwks_uri',
      backend({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://x.example/jwks' }),
      'jwks_uri',
    ],
    ['bad scope', backend({ scope: 'system/composition-*.zz' }), 'scope'],
    ['unknown plain scope', backend({ scope: 'superuser' }), 'scope'],
    ['system scope on a public client', app({ scope: 'system/composition-*.rs' }), 'scope'],
    ['unknown launch mode', app({ launch_modes: ['backend'] }), 'launch_modes'],
    ['launch modes without code', backend({ launch_modes: ['ehr'] }), 'launch_modes'],
    ['bad contact', backend({ contacts: ['nope'] }), 'contacts'],
    ['long name', backend({ client_name: 'x'.repeat(201) }), 'client_name'],
    ['private-use logo', backend({ logo_uri: 'com.example.app:/logo' }), 'logo_uri'],
  ])('refuses %s naming %s', async (_case, input, field) => {
    const error = await sut(input as Record<string, unknown>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientMetadataError);
    expect((error as ClientMetadataError).field).toBe(field);
  });

  it('accepts extra scopes (admin) and SMART patterns, deduplicated', async () => {
    const { metadata } = await sut(backend({ scope: 'admin system/composition-*.rs admin' }));
    expect(metadata.scope).toBe('admin system/composition-*.rs');
  });

  it('types an asymmetric client and accepts jwks or an https jwks_uri', async () => {
    const jwks = await publicJwks();
    const withKeys = await sut(backend({ token_endpoint_auth_method: 'private_key_jwt', jwks }));
    expect(withKeys.clientType).toBe('confidential-asymmetric');
    const withUri = await sut(
      backend({
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://x.example/jwks',
        token_endpoint_auth_signing_alg: 'ES384',
        grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      }),
    );
    expect(withUri.metadata).toMatchObject({
      jwks_uri: 'https://x.example/jwks',
      token_endpoint_auth_signing_alg: 'ES384',
    });
  });

  it('keeps an ID token algorithm the server signs with; none given is none kept (RS256)', async () => {
    for (const alg of ['ES256', 'ES384', 'RS256']) {
      const { metadata } = await sut(app({ id_token_signed_response_alg: alg }));
      expect(metadata.id_token_signed_response_alg).toBe(alg);
    }
    expect('id_token_signed_response_alg' in (await sut(app())).metadata).toBe(false);
  });

  it('folds duplicate list members', async () => {
    const { metadata } = await sut(
      app({ redirect_uris: ['https://a.example/cb', 'https://a.example/cb'] }),
    );
    expect(metadata.redirect_uris).toEqual(['https://a.example/cb']);
  });

  it('marks apps with a private-use scheme native', async () => {
    const { metadata } = await sut(
      app({ redirect_uris: ['com.example.app:/cb', 'http://127.0.0.1/cb'] }),
    );
    expect(metadata.application_type).toBe('native');
  });
});
