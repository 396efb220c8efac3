import { mergeClientMetadataPatch } from './client-metadata.patch.js';

const current = {
  client_name: 'App',
  token_endpoint_auth_method: 'private_key_jwt',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: ['com.example.app:/cb'],
  application_type: 'native' as const,
  launch_modes: ['ehr'],
  jwks_uri: 'https://x.example/jwks',
};

describe(mergeClientMetadataPatch.name, () => {
  it('replaces given members, removes nulls, keeps the rest', () => {
    expect(mergeClientMetadataPatch(current, { client_name: null, scope: 'openid' })).toEqual({
      ...(({ client_name: _n, ...rest }) => rest)(current),
      scope: 'openid',
    });
  });

  it('re-derives what depends on a changed member', () => {
    const merged = mergeClientMetadataPatch(current, {
      grant_types: ['client_credentials'],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    for (const key of ['response_types', 'launch_modes', 'application_type', 'jwks_uri']) {
      expect(merged).not.toHaveProperty(key);
    }
  });

  it('keeps launch_modes while authorization_code stays, and switches jwks_uri for jwks', () => {
    const merged = mergeClientMetadataPatch(current, {
      grant_types: ['authorization_code', 'refresh_token'],
      jwks: { keys: [] },
    });
    expect(merged.launch_modes).toEqual(['ehr']);
    expect(merged).not.toHaveProperty('jwks_uri');
  });
});
