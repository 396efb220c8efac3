import * as oidc from 'openid-client';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { makeKeyClient, registerKeyClient } from '../support/private-key-client.js';

describe('a backend service using openid-client (discovery + client_credentials + private_key_jwt)', () => {
  let storage: TestStorage;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  it('discovers the server and gets a JWT access token with the granted scope', async () => {
    const client = await makeKeyClient('ES384');
    await registerKeyClient(t.app, client, 'system/composition-*.rs system/aql-*.s');
    const config = await oidc.discovery(
      new URL(t.url),
      client.clientId,
      { token_endpoint_auth_signing_alg: 'ES384' },
      oidc.PrivateKeyJwt({ key: client.privateKey, kid: client.publicJwk.kid }),
      { execute: [oidc.allowInsecureRequests] },
    );
    expect(config.serverMetadata().issuer).toBe(t.url);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'system/aql-*.s' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('system/aql-*.s');
    expect(tokens.expiresIn()).toBeLessThanOrEqual(300);
    const claims = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString(),
    );
    expect(claims).toMatchObject({
      client_id: client.clientId,
      scope: 'system/aql-*.s',
      aud: t.url,
    });
  });

  it('surfaces the server refusing a scope outside the registration', async () => {
    const client = await makeKeyClient('RS384');
    await registerKeyClient(t.app, client, 'system/composition-*.rs');
    const config = await oidc.discovery(
      new URL(t.url),
      client.clientId,
      { token_endpoint_auth_signing_alg: 'RS384' },
      oidc.PrivateKeyJwt(client.privateKey),
      { execute: [oidc.allowInsecureRequests] },
    );
    await expect(
      oidc.clientCredentialsGrant(config, { scope: 'system/composition-*.cruds' }),
    ).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });
});
