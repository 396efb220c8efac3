import { makeAdminApi, secretToken, type JsonResponse } from '../factories/admin-api.factory.js';
import { makePublicClient, makeSymmetricClient } from '../factories/client.factory.js';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

const INITIAL_TOKEN = 'initial-access-token-0123456789';
const SCOPE = 'system/composition-*.rs';

async function register(url: string, body: unknown, token?: string): Promise<JsonResponse> {
  const res = await fetch(`${url}/auth/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('registration endpoint (RFC 7591)', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage();
  });
  afterAll(async () => {
    await storage.dispose();
  });

  describe('off by default', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(storage);
    });
    afterAll(async () => {
      await t.close();
    });

    it('answers 404 with a JSON error, whatever the body or token', async () => {
      for (const [body, token] of [
        [makeSymmetricClient(), undefined],
        [{ grant_types: ['password'] }, INITIAL_TOKEN],
      ] as const) {
        const res = await register(t.url, body, token);
        expect(res.status).toBe(404);
        expect(res.body.error).toBe('not_found');
      }
    });
  });

  describe('on, with an initial access token', () => {
    let t: TestApp;
    let api: ReturnType<typeof makeAdminApi>;
    beforeAll(async () => {
      t = await startTestApp(storage, {
        SMART_REGISTRATION_ENABLED: 'true',
        SMART_REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_TOKEN,
      });
      api = makeAdminApi(t.url, await adminToken(t.url));
    });
    afterAll(async () => {
      await t.close();
    });

    it('refuses a missing or wrong initial access token with 401 (before looking at the body)', async () => {
      const missing = await register(t.url, makeSymmetricClient());
      expect(missing.status).toBe(401);
      expect(missing.body.error).toBe('invalid_token');
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const wrong = await register(t.url, { grant_types: ['password'] }, `${INITIAL_TOKEN}x`);
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });

    it('creates a pending client that gets no token until an admin approves it', async () => {
      const res = await register(
        t.url,
        makeSymmetricClient({ trusted: true, unknown_member: 'x' }),
        INITIAL_TOKEN,
      );
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({
        status: 'pending',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret_expires_at: 0,
      });
      expect(typeof res.body.client_id_issued_at).toBe('number');
      expect(res.body.unknown_member).toBeUndefined();
      const { client_id: id, client_secret: secret } = res.body;

      const pending = await secretToken(t.url, id, secret, SCOPE);
      expect(pending.status).toBe(401);
      expect(pending.body.error).toBe('invalid_client');
      const view = await api.get(`/admin/clients/${id}`);
      expect(view.body).toMatchObject({
        status: 'pending',
        trusted: false,
        created_by: 'registration',
      });

      expect((await api.post(`/admin/clients/${id}/approve`)).status).toBe(200);
      expect((await secretToken(t.url, id, secret, SCOPE)).status).toBe(200);

      const audit = await api.get(`/admin/audit?target_id=${id}`);
      expect(audit.body.items.map((e: any) => [e.action, e.actor])).toEqual([
        ['client.approve', 'test-admin'],
        ['client.register', 'registration'],
      ]);
      expect(JSON.stringify(audit.body)).not.toContain(secret);
    });

    it('applies the same metadata rules: 400 invalid_client_metadata naming the field', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [makePublicClient({ redirect_uris: ['http://evil.example/cb'] }), /^redirect_uris: /],
        [makePublicClient({ response_types: ['token'] }), /^response_types: /],
        [makeSymmetricClient({ grant_types: ['password'] }), /^grant_types: password/],
        [makePublicClient({ grant_types: ['client_credentials'] }), /^grant_types: /],
        [makeSymmetricClient({ scope: 'patient/composition-x.q' }), /^scope: /],
        [makePublicClient({ redirect_uris: 'https://x.example/cb' }), /^redirect_uris: /],
      ];
      for (const [metadata, description] of cases) {
        const res = await register(t.url, metadata, INITIAL_TOKEN);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_client_metadata');
        expect(res.body.error_description).toMatch(description);
      }
    });

    it('a public client registers without a secret', async () => {
      const res = await register(t.url, makePublicClient(), INITIAL_TOKEN);
      expect(res.status).toBe(201);
      expect(res.body.client_secret).toBeUndefined();
      expect(res.body.status).toBe('pending');
    });
  });

  describe('on, open (no initial access token)', () => {
    it('registers without a token; the client is still pending', async () => {
      const t = await startTestApp(storage, { SMART_REGISTRATION_ENABLED: 'true' });
      try {
        const res = await register(t.url, makePublicClient());
        expect(res.status).toBe(201);
        expect(res.body.status).toBe('pending');
        // Third start on this storage: the admin client bootstrap wrote (and audited) only once.
        const api = makeAdminApi(t.url, await adminToken(t.url));
        const boots = await api.get('/admin/audit?action=client.bootstrap');
        expect(boots.body.total).toBe(1);
      } finally {
        await t.close();
      }
    });
  });
});
