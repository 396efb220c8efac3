import { setTimeout as sleep } from 'node:timers/promises';
import { makeAdminApi, secretToken } from '../factories/admin-api.factory.js';
import { makePublicClient, makeSymmetricClient } from '../factories/client.factory.js';
import {
  ADMIN_CLIENT_ID,
  ADMIN_CLIENT_SECRET,
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

const SCOPE = 'system/composition-*.rs';

describe('admin API: status, secrets, audit, authorization, docs', () => {
  let storage: TestStorage;
  let t: TestApp;
  let api: ReturnType<typeof makeAdminApi>;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    api = makeAdminApi(t.url, await adminToken(t.url));
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  it('a suspended client gets invalid_client at once; approve restores it', async () => {
    const { body: client } = await api.post('/admin/clients', makeSymmetricClient());
    expect((await secretToken(t.url, client.client_id, client.client_secret, SCOPE)).status).toBe(
      200,
    );

    const suspended = await api.post(`/admin/clients/${client.client_id}/suspend`);
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe('suspended');
    const refused = await secretToken(t.url, client.client_id, client.client_secret, SCOPE);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');

    const approved = await api.post(`/admin/clients/${client.client_id}/approve`);
    expect(approved.body.status).toBe('approved');
    expect((await secretToken(t.url, client.client_id, client.client_secret, SCOPE)).status).toBe(
      200,
    );
  });

  it('rotation: the old secret works during the overlap and fails after it', async () => {
    const { body: client } = await api.post('/admin/clients', makeSymmetricClient());
    const rotated = await api.post(`/admin/clients/${client.client_id}/secret`, {
      overlap_seconds: 1,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body.client_secret).not.toBe(client.client_secret);
    expect(typeof rotated.body.previous_secret_expires_at).toBe('number');

    expect((await secretToken(t.url, client.client_id, client.client_secret, SCOPE)).status).toBe(
      200,
    );
    expect(
      (await secretToken(t.url, client.client_id, rotated.body.client_secret, SCOPE)).status,
    ).toBe(200);
    await sleep(1300);
    const old = await secretToken(t.url, client.client_id, client.client_secret, SCOPE);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    expect(
      (await secretToken(t.url, client.client_id, rotated.body.client_secret, SCOPE)).status,
    ).toBe(200);
  });

  it('rotation without overlap_seconds uses the configured default; 0 ends the old secret now', async () => {
    const { body: client } = await api.post('/admin/clients', makeSymmetricClient());
    const rotated = await api.post(`/admin/clients/${client.client_id}/secret`);
    const expected = Math.floor(Date.now() / 1000) + 86400;
    expect(Math.abs(rotated.body.previous_secret_expires_at - expected)).toBeLessThan(5);
    const now = await api.post(`/admin/clients/${client.client_id}/secret`, { overlap_seconds: 0 });
    expect(now.body.previous_secret_expires_at).toBeUndefined();
    expect(
      (await secretToken(t.url, client.client_id, rotated.body.client_secret, SCOPE)).status,
    ).toBe(401);
    expect((await secretToken(t.url, client.client_id, now.body.client_secret, SCOPE)).status).toBe(
      200,
    );
  });

  it('rotation refuses an overlap above the maximum and clients without a secret', async () => {
    const { body: client } = await api.post('/admin/clients', makeSymmetricClient());
    const tooLong = await api.post(`/admin/clients/${client.client_id}/secret`, {
      overlap_seconds: 8 * 86400,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toBe('invalid_request');
    const { body: pub } = await api.post('/admin/clients', makePublicClient());
    const none = await api.post(`/admin/clients/${pub.client_id}/secret`);
    expect(none.status).toBe(400);
    expect(none.body.error_description).toMatch(/does not use a client secret/);
  });

  it('every change is audited, newest first, filterable, and never holds a secret', async () => {
    const created = await api.post(
      '/admin/clients',
      makeSymmetricClient({ client_name: 'audited' }),
    );
    const id = created.body.client_id as string;
    const rotated = await api.post(`/admin/clients/${id}/secret`, { overlap_seconds: 10 });
    await api.patch(`/admin/clients/${id}`, { trusted: true });
    await api.post(`/admin/clients/${id}/suspend`);
    await api.post(`/admin/clients/${id}/approve`);
    await api.delete(`/admin/clients/${id}`);

    const trail = await api.get(`/admin/audit?target_id=${id}`);
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((e: any) => e.action)).toEqual([
      'client.delete',
      'client.approve',
      'client.suspend',
      'client.update',
      'client.rotate_secret',
      'client.create',
    ]);
    expect(trail.body.total).toBe(6);
    for (const event of trail.body.items) {
      expect(event).toMatchObject({ actor: ADMIN_CLIENT_ID, target_type: 'client', target_id: id });
      expect(typeof event.details.request_id).toBe('string');
    }
    const suspend = trail.body.items[2];
    expect(suspend.details.before.status).toBe('approved');
    expect(suspend.details.after.status).toBe('suspended');

    const everything = JSON.stringify((await api.get('/admin/audit?limit=200')).body);
    for (const secret of [
      created.body.client_secret,
      rotated.body.client_secret,
      ADMIN_CLIENT_SECRET,
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/sha256:|secret_hash|secretHash/);

    const byAction = await api.get('/admin/audit?action=client.rotate_secret');
    expect(byAction.body.items.every((e: any) => e.action === 'client.rotate_secret')).toBe(true);
    const page = await api.get(`/admin/audit?target_id=${id}&limit=2&offset=1`);
    expect(page.body.items.map((e: any) => e.action)).toEqual(['client.approve', 'client.suspend']);
    expect(page.body).toMatchObject({ total: 6, limit: 2, offset: 1 });

    // By time, in the query: epoch ms or ISO 8601, both ends included.
    const at = trail.body.items.map((e: any) => Date.parse(e.at as string)) as number[];
    const [deletedAt, createdAt] = [at[0], at[5]];
    const since = await api.get(`/admin/audit?target_id=${id}&from=${deletedAt}`);
    expect(since.body.items.map((e: any) => e.action)).toContain('client.delete');
    expect(since.body.items.every((e: any) => Date.parse(e.at) >= deletedAt)).toBe(true);
    const until = await api.get(
      `/admin/audit?target_id=${id}&to=${new Date(createdAt).toISOString()}`,
    );
    expect(until.body.items.every((e: any) => Date.parse(e.at) <= createdAt)).toBe(true);
    expect(until.body.items.map((e: any) => e.action)).toContain('client.create');
    const none = await api.get(`/admin/audit?target_id=${id}&to=${createdAt - 1}`);
    expect(none.body).toMatchObject({ items: [], total: 0 });
    for (const bad of ['from=yesterday', 'to=2026-13-45', `from=${'9'.repeat(41)}`]) {
      const refused = await api.get(`/admin/audit?${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_request');
    }
  });

  describe('authorization', () => {
    const routes = [
      ['GET', '/admin/clients'],
      ['POST', '/admin/clients'],
      ['GET', '/admin/clients/x'],
      ['PATCH', '/admin/clients/x'],
      ['DELETE', '/admin/clients/x'],
      ['POST', '/admin/clients/x/secret'],
      ['POST', '/admin/clients/x/approve'],
      ['POST', '/admin/clients/x/suspend'],
      ['GET', '/admin/audit'],
    ] as const;
    const call = (token: string | undefined) => (method: string, path: string) =>
      makeAdminApi(t.url, token).call(
        method,
        path,
        method === 'GET' || method === 'DELETE' ? undefined : {},
      );

    it.each(routes)('%s %s: no token → 401 with a Bearer challenge', async (method, path) => {
      const res = await call(undefined)(method, path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
      expect(res.body.error).toBe('invalid_token');
    });

    it.each(routes)('%s %s: a garbage token → 401 invalid_token', async (method, path) => {
      const res = await call('not.a.jwt')(method, path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });

    it.each(routes)(
      '%s %s: a token without the admin scope → 403 insufficient_scope',
      async (method, path) => {
        const res = await call(await adminToken(t.url, 'launch:create introspect'))(method, path);
        expect(res.status).toBe(403);
        expect(res.body.error).toBe('insufficient_scope');
        expect(res.headers.get('www-authenticate')).toMatch(
          /error="insufficient_scope", scope="admin"/,
        );
      },
    );

    it('a token with a tampered signature, and a token of a suspended admin client, are 401', async () => {
      const token = await adminToken(t.url);
      const [h, p, s] = token.split('.');
      const tampered = `${h}.${p}.${s.slice(0, -4)}AAAA`;
      expect((await call(tampered)('GET', '/admin/clients')).status).toBe(401);

      const { body: second } = await api.post(
        '/admin/clients',
        makeSymmetricClient({ scope: 'admin' }),
      );
      const form = { grant_type: 'client_credentials', scope: 'admin' };
      const res = await fetch(`${t.url}/auth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${second.client_id}:${second.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form),
      });
      const secondToken = ((await res.json()) as { access_token: string }).access_token;
      expect((await call(secondToken)('GET', '/admin/clients')).status).toBe(200);
      await api.post(`/admin/clients/${second.client_id}/suspend`);
      const locked = await call(secondToken)('GET', '/admin/clients');
      expect(locked.status).toBe(401);
      expect(locked.body.error).toBe('invalid_token');
    });
  });

  it('/admin/docs-json documents the admin routes only; /admin/docs serves the UI', async () => {
    const res = await fetch(`${t.url}/admin/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: any;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/admin/clients',
        '/admin/clients/{client_id}',
        '/admin/clients/{client_id}/secret',
        '/admin/clients/{client_id}/approve',
        '/admin/clients/{client_id}/suspend',
        '/admin/audit',
      ]),
    );
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/admin/'))).toBe(true);
    expect(Object.keys(doc.paths['/admin/clients/{client_id}']).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ]);
    expect(doc.components.securitySchemes['admin-token']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.components.schemas.CreateClientDto.properties).toHaveProperty('redirect_uris');
    const ui = await fetch(`${t.url}/admin/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
  });
});
