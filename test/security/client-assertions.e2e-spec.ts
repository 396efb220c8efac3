import { SignJWT } from 'jose';
import { postForm, saveClient } from '../support/clients.js';
import {
  makeKeyClient,
  registerKeyClient,
  tokenWithAssertion,
  type KeyClient,
} from '../support/private-key-client.js';
import {
  bodyOf,
  expectOAuthError,
  SCOPE,
  startSecurityApp,
  type SecurityApp,
} from './security.support.js';

const now = () => Math.floor(Date.now() / 1000);

/**
 * B.1 #25-#29 and #53: private_key_jwt assertion rules beyond those the backend-services suite
 * covers: clock skew on iat/nbf/exp, audience injection, missing claims, algorithm pinning and
 * key-bringing headers. Every refusal is 401 invalid_client and issues nothing.
 */
describe('client assertions (RFC 7523, SMART backend services)', () => {
  let t: SecurityApp;
  let tokenUrl: string;

  beforeAll(async () => {
    t = await startSecurityApp();
    tokenUrl = `${t.url}/auth/token`;
  });
  afterAll(() => t.close());

  const registered = async () => {
    const client = await makeKeyClient('ES384');
    await registerKeyClient(t.app, client);
    return client;
  };
  const refused = async (client: KeyClient, claims: Record<string, unknown>, header = {}) => {
    const res = await tokenWithAssertion(
      tokenUrl,
      await client.assertion(tokenUrl, claims, header),
    );
    await expectOAuthError(res, 401, 'invalid_client');
  };
  const accepted = async (client: KeyClient, claims: Record<string, unknown>, aud = tokenUrl) => {
    const res = await tokenWithAssertion(tokenUrl, await client.assertion(aud, claims));
    expect({ status: res.status, body: await bodyOf(res) }).toMatchObject({
      status: 200,
      body: { access_token: expect.any(String) },
    });
  };

  describe('#25/#53 clock skew: up to 10 s accepted, 60 s and more refused', () => {
    // Claims are built when the test runs: a table evaluated at collection time would age by the
    // time the server has started.
    it.each([
      ['iat 8 s ahead', () => ({ iat: now() + 8 })],
      ['nbf 8 s ahead', () => ({ nbf: now() + 8 })],
      ['exp 8 s ago (within skew)', () => ({ iat: now() - 60, exp: now() - 8 })],
    ])('accepts %s', async (_name, claims) => accepted(await registered(), claims()));

    it.each([
      ['iat 61 s ahead', () => ({ iat: now() + 61 })],
      ['nbf 70 s ahead', () => ({ nbf: now() + 70 })],
      ['exp 60 s ago', () => ({ iat: now() - 120, exp: now() - 60 })],
    ])('refuses %s', async (_name, claims) => refused(await registered(), claims()));
  });

  describe('#26 audience: only this issuer or its token endpoint', () => {
    it('accepts the issuer and the token endpoint URL', async () => {
      const client = await registered();
      await accepted(client, {}, t.url);
      await accepted(client, {}, tokenUrl);
    });

    it.each([
      ['another authorization server', 'https://other-as.example/token'],
      ['the openEHR resource server', '{issuer}/openehr/rest/v1'],
      ['the PAR endpoint', '{issuer}/auth/par'],
      ['the introspection endpoint', '{issuer}/auth/introspect'],
      ['the token endpoint with a trailing slash', '{issuer}/auth/token/'],
    ])('refuses %s', async (_name, aud) => {
      const client = await registered();
      await refused(client, { aud: aud.replace('{issuer}', t.url) });
    });

    it('refuses an audience array with a foreign value', async () => {
      const client = await registered();
      await refused(client, { aud: [tokenUrl, 'https://evil.example/token'] });
    });
  });

  describe('#27 iss, sub, exp and jti are required and name the client', () => {
    it.each([
      ['no sub', { sub: undefined }],
      ['no exp', { exp: undefined }],
      ['iss of another client', { iss: 'someone-else' }],
    ])('refuses %s', async (_name, claims) => refused(await registered(), claims));
  });

  it('#28 an algorithm other than the registered one is refused, even with a registered key', async () => {
    const es384 = await makeKeyClient('ES384');
    const es256 = await makeKeyClient('ES256', es384.clientId);
    await saveClient(
      t.app,
      {
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES384',
        grant_types: ['client_credentials'],
        jwks: { keys: [es384.publicJwk, es256.publicJwk] },
        scope: SCOPE,
      },
      { clientId: es384.clientId },
    );
    await accepted(es384, {});
    const res = await tokenWithAssertion(tokenUrl, await es256.assertion(tokenUrl));
    await expectOAuthError(res, 401, 'invalid_client');
  });

  it.each([
    ['x5u', { x5u: 'https://evil.example/cert.pem' }],
    ['x5c', { x5c: ['MIIB'] }],
    ['jku pointing elsewhere', { jku: 'https://evil.example/jwks.json' }],
  ])('#29 a %s header is refused', async (_name, header) => {
    await refused(await registered(), {}, header);
  });

  it('#29 a signature that does not verify is refused', async () => {
    const client = await registered();
    const assertion = await client.assertion(tokenUrl);
    const [h, p, s] = assertion.split('.');
    const flipped = `${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
    const res = await tokenWithAssertion(tokenUrl, `${h}.${p}.${flipped}`);
    await expectOAuthError(res, 401, 'invalid_client');
  });

  it('a huge assertion (200 KB) is refused in bounded time, not a 500', async () => {
    const client = await registered();
    const big = await new SignJWT({ pad: 'x'.repeat(200_000) })
      .setProtectedHeader({ alg: 'ES384', kid: client.publicJwk.kid })
      .setIssuer(client.clientId)
      .setSubject(client.clientId)
      .setAudience(tokenUrl)
      .setExpirationTime(now() + 60)
      .setJti('j')
      .sign(client.privateKey);
    const started = Date.now();
    const res = await postForm(tokenUrl, {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: big,
    });
    expect(res.status).toBe(413);
    expect(Date.now() - started).toBeLessThan(2000);
    await expectOAuthError(res, 413, 'invalid_request');
  });
});
