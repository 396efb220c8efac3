import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
} from 'jose';
import { TrustedIssuerService } from '@smart-openehr/auth-server';
import {
  adminToken,
  basic,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import {
  makeKeyClient,
  registerKeyClient,
  tokenWithAssertion,
  type KeyClient,
} from '../support/private-key-client.js';

const SCOPE = 'system/composition-*.rs';

describe('backend services: client_credentials, private_key_jwt, jwt-bearer', () => {
  let storage: TestStorage;
  let t: TestApp;
  let tokenUrl: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage, { SMART_FETCH_ALLOW_PRIVATE_HOSTS: 'localhost' });
    tokenUrl = `${t.url}/auth/token`;
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const registered = async (alg: KeyClient['alg'] = 'ES384') => {
    const client = await makeKeyClient(alg);
    await registerKeyClient(t.app, client);
    return client;
  };
  const expectInvalidClient = async (res: Response, rule: RegExp) => {
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(rule);
  };

  describe.each(['ES384', 'RS384', 'ES256', 'RS256', 'PS256'] as const)('%s assertion', (alg) => {
    it('gets a short-lived JWT access token with exactly the granted scope', async () => {
      const client = await registered(alg);
      const res = await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
      const body = (await res.json()) as Record<string, any>;
      expect(body).toMatchObject({ token_type: 'Bearer', scope: SCOPE });
      expect(body.expires_in).toBeLessThanOrEqual(300);
      expect(body.refresh_token).toBeUndefined();
      const jwks = (await (await fetch(`${t.url}/auth/jwks`)).json()) as any;
      const { payload, protectedHeader } = await jwtVerify(
        body.access_token,
        createLocalJWKSet(jwks),
        {
          issuer: t.url,
          audience: t.url,
        },
      );
      expect(protectedHeader.typ).toBe('at+jwt');
      expect(payload).toMatchObject({
        scope: SCOPE,
        client_id: client.clientId,
        sub: client.clientId,
      });
    });
  });

  it('accepts the issuer as audience but refuses another endpoint', async () => {
    const client = await registered();
    expect((await tokenWithAssertion(tokenUrl, await client.assertion(t.url))).status).toBe(200);
    const res = await tokenWithAssertion(
      tokenUrl,
      await client.assertion(`${t.url}/auth/userinfo`),
    );
    await expectInvalidClient(res, /aud/);
  });

  it.each([
    ['exp 6 minutes ahead', { exp: Math.floor(Date.now() / 1000) + 360 }, {}, /5 minutes/],
    ['exp in the past', { exp: Math.floor(Date.now() / 1000) - 120 }, {}, /exp/],
    ['iat in the future', { iat: Math.floor(Date.now() / 1000) + 120 }, {}, /iat/],
    ['sub different from iss', { sub: 'someone-else' }, {}, /sub/],
    ['unregistered jku', {}, { jku: 'https://evil.example/jwks' }, /jku/],
    ['embedded jwk header', {}, { jwk: { kty: 'EC' } }, /jwk/],
    ['unknown kid', {}, { kid: 'not-registered' }, /.+/],
  ])('refuses an assertion with %s', async (_name, claims, header, rule) => {
    const client = await registered();
    const res = await tokenWithAssertion(
      tokenUrl,
      await client.assertion(tokenUrl, claims, header),
    );
    await expectInvalidClient(res, rule);
  });

  it('refuses a missing jti', async () => {
    const client = await registered();
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: client.publicJwk.kid })
      .setIssuer(client.clientId)
      .setSubject(client.clientId)
      .setAudience(tokenUrl)
      .setExpirationTime(now + 60)
      .sign(client.privateKey);
    await expectInvalidClient(await tokenWithAssertion(tokenUrl, assertion), /jti/);
  });

  it('refuses alg none and HS256 signed with the public key (algorithm confusion)', async () => {
    const client = await registered();
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: client.clientId,
      sub: client.clientId,
      aud: tokenUrl,
      exp: now + 60,
      jti: randomUUID(),
    };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    await expectInvalidClient(await tokenWithAssertion(tokenUrl, none), /.+/);
    const hs = await new SignJWT({ ...claims, jti: randomUUID() })
      .setProtectedHeader({ alg: 'HS256', kid: client.publicJwk.kid })
      .sign(new TextEncoder().encode(JSON.stringify(client.publicJwk)));
    await expectInvalidClient(await tokenWithAssertion(tokenUrl, hs), /alg/);
  });

  it('refuses an assertion signed by a key the client did not register', async () => {
    const client = await registered();
    const other = await makeKeyClient('ES384', client.clientId);
    await expectInvalidClient(
      await tokenWithAssertion(tokenUrl, await other.assertion(tokenUrl)),
      /.+/,
    );
  });

  it.each([
    ['a wider permission', 'system/composition-*.cruds'],
    ['a patient/ scope', 'patient/composition-*.rs'],
    ['a user/ scope', 'user/composition-*.rs'],
    ['an unparsable scope', 'system/composition-x.zz'],
    ['no scope at all', ''],
  ])('refuses scope escalation: %s → invalid_scope', async (_name, scope) => {
    const client = await registered();
    const res = await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl), scope);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('grants a narrower request within the registration as asked', async () => {
    const client = await registered();
    const narrow = 'system/composition-MyHospital::Vitals.v1.r';
    const res = await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl), narrow);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ scope: narrow });
  });

  it.each([
    ['password', 'unsupported_grant_type'],
    ['implicit', 'unsupported_grant_type'],
    ['urn:example:unknown', 'unsupported_grant_type'],
  ])('grant_type=%s → %s', async (grantType, error) => {
    const res = await postForm(
      tokenUrl,
      { grant_type: grantType, username: 'a', password: 'b' },
      {
        authorization: basic('test-admin', 'test-admin-secret-0123456789'),
      },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error });
  });

  it('client_secret_basic: accepts the secret, refuses a wrong one with 401 and WWW-Authenticate', async () => {
    const secret = 'symmetric-secret-0123456789abcdef';
    const clientId = await saveClient(
      t.app,
      {
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        scope: SCOPE,
      },
      { secret },
    );
    const ok = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', scope: SCOPE },
      {
        authorization: basic(clientId, secret),
      },
    );
    expect(ok.status).toBe(200);
    const bad = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', scope: SCOPE },
      {
        authorization: basic(clientId, `${secret}x`),
      },
    );
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/Basic/);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
  });

  describe('jwks_uri', () => {
    let server: Server;
    let keys: { keys: unknown[] };
    let port: number;
    beforeAll(async () => {
      keys = { keys: [] };
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(keys));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const withUri = async (host: string) => {
      const client = await makeKeyClient('ES384');
      keys.keys.push(client.publicJwk);
      await saveClient(
        t.app,
        {
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES384',
          grant_types: ['client_credentials'],
          jwks_uri: `http://${host}:${port}/jwks.json`,
          scope: SCOPE,
        },
        { clientId: client.clientId },
      );
      return client;
    };

    it('fetches keys from an allowed host', async () => {
      const client = await withUri('localhost');
      const res = await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl));
      expect(res.status).toBe(200);
    });

    it('refuses a jwks_uri on a private address that is not allowed', async () => {
      const client = await withUri('127.0.0.1');
      const res = await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl));
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('refetches on an unknown kid (key rotation at the client)', async () => {
      const client = await withUri('localhost');
      expect((await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl))).status).toBe(
        200,
      );
      const rotated = await makeKeyClient('ES384', client.clientId);
      rotated.publicJwk.kid = 'rotated-1';
      keys.keys.push(rotated.publicJwk);
      const res = await tokenWithAssertion(tokenUrl, await rotated.assertion(tokenUrl));
      expect(res.status).toBe(200);
    });
  });

  describe('introspection and revocation', () => {
    const introspect = (
      token: string,
      headers: Record<string, string>,
      form: Record<string, string> = {},
    ) => postForm(`${t.url}/auth/introspect`, { token, ...form }, headers);

    it('reports an active JWT to its client and to a bearer with the introspect scope', async () => {
      const client = await registered();
      const body = (await (
        await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl))
      ).json()) as any;
      const own = await postForm(`${t.url}/auth/introspect`, {
        token: body.access_token,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await client.assertion(`${t.url}/auth/introspect`),
      });
      expect(own.status).toBe(200);
      expect(await own.json()).toMatchObject({
        active: true,
        scope: SCOPE,
        client_id: client.clientId,
        iss: t.url,
      });
      const rs = await introspect(body.access_token, {
        authorization: `Bearer ${await adminToken(t.url, 'introspect')}`,
      });
      expect(await rs.json()).toMatchObject({
        active: true,
        sub: client.clientId,
        token_type: 'Bearer',
      });
    });

    it('answers active:false for unknown tokens and to other clients', async () => {
      const bearer = { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` };
      expect(await (await introspect('not-a-token', bearer)).json()).toEqual({ active: false });
      const client = await registered();
      const token = (
        (await (await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl))).json()) as any
      ).access_token;
      const other = await introspect(token, {
        authorization: basic('test-admin', 'test-admin-secret-0123456789'),
      });
      expect(await other.json()).toEqual({ active: false });
    });

    it('refuses callers that are not authenticated, or lack the scope', async () => {
      const unauthenticated = await introspect('x', {});
      expect(unauthenticated.status).toBe(401);
      expect(await unauthenticated.json()).toMatchObject({ error: 'invalid_client' });
      const noScope = await introspect('x', {
        authorization: `Bearer ${await adminToken(t.url, 'admin')}`,
      });
      expect(noScope.status).toBe(403);
    });

    it('a revoked JWT access token is inactive; another client cannot revoke it', async () => {
      const client = await registered();
      const token = (
        (await (await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl))).json()) as any
      ).access_token;
      const bearer = { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` };
      const foreign = await postForm(
        `${t.url}/auth/revoke`,
        { token },
        { authorization: basic('test-admin', 'test-admin-secret-0123456789') },
      );
      expect(foreign.status).toBe(200);
      expect(await (await introspect(token, bearer)).json()).toMatchObject({ active: true });
      const revoke = await postForm(`${t.url}/auth/revoke`, {
        token,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await client.assertion(`${t.url}/auth/revoke`),
      });
      expect(revoke.status).toBe(200);
      expect(await (await introspect(token, bearer)).json()).toEqual({ active: false });
    });

    it('an expired token is inactive', async () => {
      const { SigningKeysService } = await import('@smart-openehr/auth-server');
      const material = await t.app.get(SigningKeysService).load();
      const jwk = material.jwks.find((k) => k.alg === 'ES256')!;
      const { importJWK } = await import('jose');
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ scope: SCOPE, client_id: 'x', jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'at+jwt' })
        .setIssuer(t.url)
        .setAudience(t.url)
        .setSubject('x')
        .setIssuedAt(now - 600)
        .setExpirationTime(now - 300)
        .sign(await importJWK(jwk as any, 'ES256'));
      const bearer = { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` };
      expect(await (await introspect(expired, bearer)).json()).toEqual({ active: false });
    });

    it('a token introspected while valid is inactive once it has expired', async () => {
      const client = await registered();
      const token = (
        (await (await tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl))).json()) as any
      ).access_token as string;
      const bearer = { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` };
      expect(await (await introspect(token, bearer)).json()).toMatchObject({ active: true });
      const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
        exp: number;
      };
      // The server's clock moves past the token's expiry and the 5 s tolerance; the caller gets
      // a bearer token of that later time.
      const clock = jest.spyOn(Date, 'now').mockImplementation(() => exp * 1000 + 6000);
      try {
        const later = { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` };
        expect(await (await introspect(token, later)).json()).toEqual({ active: false });
      } finally {
        clock.mockRestore();
      }
    });
  });

  describe('jwt-bearer grant (RFC 7523 section 2.1)', () => {
    const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    let idp: { privateKey: CryptoKey; kid: string };
    const issuer = 'https://idp.hospital.example';

    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
      idp = { privateKey, kid: 'idp-1' };
      await t.app.get(TrustedIssuerService).save({
        issuer,
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES384' }] },
        allowedSubjects: ['Practitioner/*'],
        allowedScope: 'user/composition-*.rs',
        createdAt: Date.now(),
      });
    });

    const userAssertion = (claims: Record<string, unknown> = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: issuer,
        sub: 'Practitioner/123',
        aud: tokenUrl,
        exp: now + 120,
        jti: randomUUID(),
        ...claims,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES384', kid: idp.kid })
        .sign(idp.privateKey);
    };
    const backend = async () => {
      const client = await makeKeyClient('ES384');
      await saveClient(
        t.app,
        {
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES384',
          grant_types: ['client_credentials', GRANT],
          jwks: { keys: [client.publicJwk] },
          scope: 'user/composition-*.rs system/composition-*.rs',
        },
        { clientId: client.clientId },
      );
      return client;
    };
    const exchange = async (client: KeyClient, assertion: string, scope = 'user/composition-*.r') =>
      postForm(tokenUrl, {
        grant_type: GRANT,
        assertion,
        scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await client.assertion(tokenUrl),
      });

    it('issues a token for the asserted user', async () => {
      const client = await backend();
      const res = await exchange(client, await userAssertion());
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body).toMatchObject({ token_type: 'Bearer', scope: 'user/composition-*.r' });
      const claims = JSON.parse(
        Buffer.from(body.access_token.split('.')[1], 'base64url').toString(),
      );
      expect(claims).toMatchObject({ sub: 'Practitioner/123', client_id: client.clientId });
    });

    it('refuses a replayed assertion, an untrusted issuer, a foreign subject and a wider scope', async () => {
      const client = await backend();
      const once = await userAssertion();
      expect((await exchange(client, once)).status).toBe(200);
      const replay = await exchange(client, once);
      expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
      const wrongSub = await exchange(client, await userAssertion({ sub: 'Patient/1' }));
      expect(await wrongSub.json()).toMatchObject({ error: 'invalid_grant' });
      const wider = await exchange(client, await userAssertion(), 'user/composition-*.cruds');
      expect(await wider.json()).toMatchObject({ error: 'invalid_scope' });
      const { privateKey } = await generateKeyPair('ES384');
      const now = Math.floor(Date.now() / 1000);
      const untrusted = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES384', kid: 'x' })
        .setIssuer('https://unknown.example')
        .setSubject('Practitioner/123')
        .setAudience(tokenUrl)
        .setExpirationTime(now + 60)
        .sign(privateKey);
      expect(await (await exchange(client, untrusted)).json()).toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('is refused to a client not registered for it', async () => {
      const client = await registered();
      const res = await exchange(client, await userAssertion());
      const body = await res.json();
      expect({ status: res.status, body }).toMatchObject({
        status: 400,
        body: { error: 'unauthorized_client' },
      });
    });
  });
});
