import { makeAdminApi, secretToken, tokenRequest } from '../factories/admin-api.factory.js';
import {
  makeAsymmetricClient,
  makePublicClient,
  makeSymmetricClient,
} from '../factories/client.factory.js';
import { clientAssertion, jwksOf, makeKeyPair, type TestKeyPair } from '../fixtures/keys.js';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('admin API: clients', () => {
  let storage: TestStorage;
  let t: TestApp;
  let api: ReturnType<typeof makeAdminApi>;
  let key: TestKeyPair;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    api = makeAdminApi(t.url, await adminToken(t.url));
    key = await makeKeyPair('ES384');
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  describe('each client type', () => {
    it('public: created approved without a secret, refused client_credentials at the token endpoint', async () => {
      const res = await api.post('/admin/clients', makePublicClient());
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        client_type: 'public',
        status: 'approved',
        token_endpoint_auth_method: 'none',
        response_types: ['code'],
        launch_modes: ['ehr', 'standalone'],
      });
      expect(res.body.client_secret).toBeUndefined();
      expect(typeof res.body.client_id_issued_at).toBe('number');
      expect(res.headers.get('cache-control')).toBe('no-store');

      const token = await tokenRequest(t.url, {
        grant_type: 'client_credentials',
        client_id: res.body.client_id,
        scope: 'system/composition-*.rs',
      });
      expect(token.status).toBeGreaterThanOrEqual(400);
      expect(['unauthorized_client', 'invalid_client']).toContain(token.body.error);
    });

    it('public: registering client_credentials is refused', async () => {
      const res = await api.post(
        '/admin/clients',
        makePublicClient({ grant_types: ['authorization_code', 'client_credentials'] }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_client_metadata');
      expect(res.body.error_description).toMatch(/^grant_types: client_credentials/);
    });

    it('confidential-symmetric: secret shown once, client_credentials works, jwt-bearer refused', async () => {
      const res = await api.post('/admin/clients', makeSymmetricClient());
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        client_type: 'confidential-symmetric',
        client_secret_expires_at: 0,
      });
      expect(res.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const token = await secretToken(
        t.url,
        res.body.client_id,
        res.body.client_secret,
        'system/composition-*.rs',
      );
      expect(token.status).toBe(200);
      expect(token.body.scope).toBe('system/composition-*.rs');

      const read = await api.get(`/admin/clients/${res.body.client_id}`);
      expect(read.status).toBe(200);
      expect(read.body.client_secret).toBeUndefined();
      expect(JSON.stringify(read.body)).not.toContain(res.body.client_secret);

      const bearer = await api.post(
        '/admin/clients',
        makeSymmetricClient({ grant_types: [JWT_BEARER] }),
      );
      expect(bearer.status).toBe(400);
      expect(bearer.body).toMatchObject({ error: 'invalid_client_metadata' });
      expect(bearer.body.error_description).toMatch(
        /^grant_types: .*jwt-bearer is not allowed for confidential-symmetric/,
      );
    });

    it('confidential-asymmetric: private_key_jwt gets a token, a secret does not exist', async () => {
      const res = await api.post('/admin/clients', makeAsymmetricClient(jwksOf(key)));
      expect(res.status).toBe(201);
      expect(res.body.client_type).toBe('confidential-asymmetric');
      expect(res.body.client_secret).toBeUndefined();
      const assertion = await clientAssertion(res.body.client_id, key, `${t.url}/auth/token`);
      const token = await tokenRequest(t.url, {
        grant_type: 'client_credentials',
        scope: 'system/composition-*.rs',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      });
      expect(token.status).toBe(200);

      const withBearer = await api.post(
        '/admin/clients',
        makeAsymmetricClient(jwksOf(key), { grant_types: ['client_credentials', JWT_BEARER] }),
      );
      expect(withBearer.status).toBe(201);
      expect(withBearer.body.grant_types).toEqual(['client_credentials', JWT_BEARER]);
    });

    it('native apps may use loopback http and private-use schemes', async () => {
      const res = await api.post(
        '/admin/clients',
        makePublicClient({
          redirect_uris: [
            'http://127.0.0.1:8765/cb',
            'http://[::1]/cb',
            'com.example.app:/oauth2redirect',
          ],
        }),
      );
      expect(res.status).toBe(201);
      expect(res.body.application_type).toBe('native');
    });
  });

  describe('bad metadata → 400 invalid_client_metadata naming the field', () => {
    const cases: [string, () => Record<string, unknown>, RegExp][] = [
      [
        'missing redirect for a code client',
        () => makePublicClient({ redirect_uris: [] }),
        /^redirect_uris: /,
      ],
      [
        'http on a non-loopback host',
        () => makePublicClient({ redirect_uris: ['http://app.example.org/cb'] }),
        /^redirect_uris: .*https/,
      ],
      [
        'a fragment',
        () => makePublicClient({ redirect_uris: ['https://app.example.org/cb#x'] }),
        /^redirect_uris: .*fragment/,
      ],
      [
        'user info in the URI',
        () => makePublicClient({ redirect_uris: ['https://good@evil.example/cb'] }),
        /^redirect_uris: /,
      ],
      ['a relative URI', () => makePublicClient({ redirect_uris: ['/cb'] }), /^redirect_uris: /],
      [
        'javascript: scheme',
        () => makePublicClient({ redirect_uris: ['javascript:alert(1)'] }),
        /^redirect_uris: /,
      ],
      [
        'unknown auth method',
        () => makePublicClient({ token_endpoint_auth_method: 'client_secret_jwt' }),
        /^token_endpoint_auth_method: /,
      ],
      [
        'response_types token',
        () => makePublicClient({ response_types: ['token'] }),
        /^response_types: /,
      ],
      [
        'response_types code token',
        () => makePublicClient({ response_types: ['code token'] }),
        /^response_types: /,
      ],
      [
        'response_types id_token',
        () => makePublicClient({ response_types: ['id_token'] }),
        /^response_types: /,
      ],
      [
        'grant_types password',
        () => makeSymmetricClient({ grant_types: ['password'] }),
        /^grant_types: password/,
      ],
      [
        'grant_types implicit',
        () => makePublicClient({ grant_types: ['implicit'] }),
        /^grant_types: implicit/,
      ],
      [
        'an unknown grant type',
        () => makeSymmetricClient({ grant_types: ['urn:x:custom'] }),
        /^grant_types: /,
      ],
      [
        'a scope that does not parse',
        () => makeSymmetricClient({ scope: 'system/composition-*.xyz' }),
        /^scope: "system\/composition-\*\.xyz"/,
      ],
      [
        'system/ scopes on a public client',
        () => makePublicClient({ scope: 'system/composition-*.rs' }),
        /^scope: /,
      ],
      ['jwks on a secret client', () => makeSymmetricClient({ jwks: { keys: [] } }), /^jwks: /],
      [
        'private_key_jwt without keys',
        () => makeAsymmetricClient({ keys: [] }, { jwks: undefined }),
        /^jwks/,
      ],
      ['an unknown member', () => makePublicClient({ is_admin: true }), /^is_admin: /],
      [
        'a wrongly typed member',
        () => makePublicClient({ redirect_uris: 'https://app.example.org/cb' }),
        /^redirect_uris: /,
      ],
      [
        'contacts that are not e-mail',
        () => makePublicClient({ contacts: ['call me'] }),
        /^contacts: /,
      ],
    ];
    it.each(cases)('%s', async (_name, metadata, description) => {
      const res = await api.post('/admin/clients', metadata());
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_client_metadata');
      expect(res.body.error_description).toMatch(description);
    });

    it('a private key in jwks', async () => {
      const res = await api.post(
        '/admin/clients',
        makeAsymmetricClient({ keys: [key.privateJwk] }),
      );
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_client_metadata' });
      expect(res.body.error_description).toMatch(/^jwks: .*private key material \("d"\)/);
    });

    it('both jwks and jwks_uri', async () => {
      const res = await api.post(
        '/admin/clients',
        makeAsymmetricClient(jwksOf(key), { jwks_uri: 'https://backend.example.org/jwks.json' }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error_description).toMatch(/^jwks_uri: /);
    });

    it('a duplicate kid', async () => {
      const other = await makeKeyPair('ES384', key.kid);
      const res = await api.post('/admin/clients', makeAsymmetricClient(jwksOf(key, other)));
      expect(res.status).toBe(400);
      expect(res.body.error_description).toMatch(/^jwks: duplicate kid/);
    });

    it('a key alg outside the allowed list, and a bad signing alg', async () => {
      const res = await api.post(
        '/admin/clients',
        makeAsymmetricClient({ keys: [{ ...key.publicJwk, alg: 'HS256' }] }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error_description).toMatch(/^jwks: .*alg must be one of/);
      const alg = await api.post(
        '/admin/clients',
        makeAsymmetricClient(jwksOf(key), { token_endpoint_auth_signing_alg: 'none' }),
      );
      expect(alg.status).toBe(400);
      expect(alg.body.error_description).toMatch(/^token_endpoint_auth_signing_alg: /);
    });
  });

  describe('read, change, delete', () => {
    it('PATCH merges metadata, sets trusted, and validates the result', async () => {
      const created = await api.post('/admin/clients', makePublicClient());
      const id = created.body.client_id as string;
      const patched = await api.patch(`/admin/clients/${id}`, {
        redirect_uris: ['https://app.example.org/new'],
        trusted: true,
        client_name: null,
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        redirect_uris: ['https://app.example.org/new'],
        trusted: true,
      });
      expect(patched.body.client_name).toBeUndefined();
      expect(patched.body.scope).toBe(created.body.scope);

      const bad = await api.patch(`/admin/clients/${id}`, { grant_types: ['client_credentials'] });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_client_metadata');
      expect((await api.get(`/admin/clients/${id}`)).body.grant_types).toEqual([
        'authorization_code',
        'refresh_token',
      ]);
    });

    it('PATCH to a secret method issues a secret once', async () => {
      const created = await api.post('/admin/clients', makePublicClient());
      const res = await api.patch(`/admin/clients/${created.body.client_id}`, {
        token_endpoint_auth_method: 'client_secret_post',
      });
      expect(res.status).toBe(200);
      expect(res.body.client_type).toBe('confidential-symmetric');
      expect(typeof res.body.client_secret).toBe('string');
    });

    it('DELETE removes the client: 404 afterwards, and no more tokens', async () => {
      const created = await api.post('/admin/clients', makeSymmetricClient());
      const id = created.body.client_id as string;
      expect((await api.delete(`/admin/clients/${id}`)).status).toBe(204);
      const gone = await api.get(`/admin/clients/${id}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual({
        error: 'not_found',
        error_description: `client ${id} not found`,
      });
      expect((await api.delete(`/admin/clients/${id}`)).status).toBe(404);
      const token = await secretToken(
        t.url,
        id,
        created.body.client_secret,
        'system/composition-*.rs',
      );
      expect(token.status).toBe(401);
      expect(token.body.error).toBe('invalid_client');
    });

    it('unknown client ids are 404 on every route', async () => {
      for (const [method, path] of [
        ['GET', '/admin/clients/nope'],
        ['PATCH', '/admin/clients/nope'],
        ['POST', '/admin/clients/nope/approve'],
        ['POST', '/admin/clients/nope/suspend'],
        ['POST', '/admin/clients/nope/secret'],
      ] as const) {
        const res = await api.call(method, path, method === 'GET' ? undefined : {});
        expect([method, path, res.status, res.body.error]).toEqual([
          method,
          path,
          404,
          'not_found',
        ]);
      }
    });

    it('lists clients with limit/offset, oldest first', async () => {
      for (let i = 0; i < 3; i += 1) {
        await api.post('/admin/clients', makeSymmetricClient({ client_name: `page ${i}` }));
      }
      const all = await api.get('/admin/clients?limit=200');
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(all.body.items.length);
      expect(all.body).toMatchObject({ limit: 200, offset: 0 });
      const page = await api.get('/admin/clients?limit=2&offset=1');
      expect(page.body).toMatchObject({ total: all.body.total, limit: 2, offset: 1 });
      expect(page.body.items.map((c: any) => c.client_id)).toEqual(
        all.body.items.slice(1, 3).map((c: any) => c.client_id),
      );
      for (const item of all.body.items) expect(item.client_secret).toBeUndefined();
      const first = await api.get('/admin/clients');
      expect(first.body).toMatchObject({ limit: 50, offset: 0 });

      for (const query of ['limit=0', 'limit=500', 'offset=-1', 'limit=abc', 'foo=1']) {
        const bad = await api.get(`/admin/clients?${query}`);
        expect([query, bad.status, bad.body.error]).toEqual([query, 400, 'invalid_request']);
      }
    });
  });
});
