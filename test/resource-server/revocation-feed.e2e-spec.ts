import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { SmartResourceServerOptions } from '@smart-openehr/resource-server';
import { EHR_API_BASE_PATH } from '../../libs/resource-server/example/ehr-api.controller.js';
import { EhrApiModule } from '../../libs/resource-server/example/ehr-api.module.js';
import { makeAdminApi } from '../factories/admin-api.factory.js';
import { makeSymmetricClient } from '../factories/client.factory.js';
import {
  adminToken,
  basic,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { freePort } from '../support/free-port.js';
import { postForm, saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SCOPE = 'launch/patient offline_access patient/composition-*.rs';
const POLL_SECONDS = 1;

type Feed = {
  items: { kind: string; target: string; issued_before: number | null; expires_at: number }[];
  cursor: string;
  has_more: boolean;
};

/**
 * A resource server in another process (the library's example platform) honours revocations of
 * this authorization server through its revocation feed (`GET /auth/revocations?since=`), within
 * its poll interval, and fails closed when the feed cannot be read.
 */
describe('resource server: the revocation feed of a remote authorization server', () => {
  let storage: TestStorage;
  let t: TestApp;
  let feedClient: { client_id: string; client_secret: string };
  let rs: INestApplication;
  let app: string;

  const bootRs = async (revocationFeed: SmartResourceServerOptions['revocationFeed']) => {
    const moduleRef = await Test.createTestingModule({
      imports: [EhrApiModule.register({ issuer: t.url, audience: t.url, revocationFeed })],
    }).compile();
    const nest = moduleRef.createNestApplication({ logger: false });
    await nest.init();
    return nest;
  };

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    const api = makeAdminApi(t.url, await adminToken(t.url));
    feedClient = (await api.post('/admin/clients', makeSymmetricClient({ scope: 'introspect' })))
      .body;
    app = await saveClient(t.app, {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: SCOPE,
    });
    rs = await bootRs({
      endpoint: `${t.url}/auth/revocations`,
      clientId: feedClient.client_id,
      clientSecret: feedClient.client_secret,
      pollIntervalSeconds: POLL_SECONDS,
    });
  });
  afterAll(async () => {
    await rs?.close();
    await t.close();
    await storage.dispose();
  });

  const userTokens = async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: app,
      scope: SCOPE,
      username: 'patient',
      password: 'patient',
    });
    return (await (await redeem(t.url, app, flow)).json()) as Record<string, string>;
  };
  const readAt = (nest: INestApplication, token: string) =>
    request(nest.getHttpServer())
      .get(`${EHR_API_BASE_PATH}/ehr/${PATIENT_EHR}`)
      .set('authorization', `Bearer ${token}`);
  const feed = (query: string, authorization?: string) =>
    fetch(`${t.url}/auth/revocations${query}`, {
      headers: authorization ? { authorization } : {},
    });
  const feedAuth = () => basic(feedClient.client_id, feedClient.client_secret);

  it('refuses a revoked token within its poll interval', async () => {
    const tokens = await userTokens();
    expect((await readAt(rs, tokens.access_token)).status).toBe(200);
    await postForm(`${t.url}/auth/revoke`, { token: tokens.refresh_token, client_id: app });
    // Bounded wait: the poll interval, one feed request, and scheduling slack.
    const deadline = Date.now() + POLL_SECONDS * 1000 + 2000;
    let res = await readAt(rs, tokens.access_token);
    while (res.status === 200 && Date.now() < deadline) {
      await sleep(50);
      res = await readAt(rs, tokens.access_token);
    }
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer realm="openehr", error="invalid_token", error_description="[^"]*revoked"/,
    );
    // Another token of the same user and app, from a new grant, still works.
    expect((await readAt(rs, (await userTokens()).access_token)).status).toBe(200);
  });

  it('the feed is incremental: the returned cursor yields only newer entries', async () => {
    const first = (await (await feed('', feedAuth())).json()) as Feed;
    expect(first.items.length).toBeGreaterThan(0);
    expect(first.items[0]).toEqual({
      kind: 'jti',
      target: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      issued_before: null,
      expires_at: expect.any(Number),
    });
    const next = (await (await feed(`?since=${first.cursor}`, feedAuth())).json()) as Feed;
    expect(next).toEqual({ items: [], cursor: first.cursor, has_more: false });
    const tokens = await userTokens();
    await postForm(`${t.url}/auth/revoke`, { token: tokens.access_token, client_id: app });
    const after = (await (await feed(`?since=${first.cursor}`, feedAuth())).json()) as Feed;
    expect(after.items).toHaveLength(1);
    expect(Number(after.cursor)).toBeGreaterThan(Number(first.cursor));
    const paged = (await (await feed('?limit=1', feedAuth())).json()) as Feed;
    expect(paged.items).toHaveLength(1);
    expect(paged.has_more).toBe(true);
  });

  it('the feed needs authentication with introspect (or admin) and a valid cursor', async () => {
    const none = await feed('');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toBe('invalid_client');
    const wrong = await feed('', basic(feedClient.client_id, 'not-the-secret'));
    expect(wrong.status).toBe(401);
    const api = makeAdminApi(t.url, await adminToken(t.url));
    const plain = (await api.post('/admin/clients', makeSymmetricClient())).body;
    const forbidden = await feed('', basic(plain.client_id, plain.client_secret));
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: string }).error).toBe('insufficient_scope');
    const bearer = await feed('', `Bearer ${await adminToken(t.url, 'introspect')}`);
    expect(bearer.status).toBe(200);
    expect(bearer.headers.get('cache-control')).toBe('no-store');
    const bad = await feed('?since=abc', feedAuth());
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('fails closed (503) while the feed cannot be read', async () => {
    const closed = await bootRs({
      endpoint: `http://127.0.0.1:${await freePort()}/auth/revocations`,
      clientId: feedClient.client_id,
      clientSecret: feedClient.client_secret,
      pollIntervalSeconds: 1,
      maxStalenessSeconds: 2,
    });
    try {
      const res = await readAt(closed, (await userTokens()).access_token);
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
    } finally {
      await closed.close();
    }
  });
});
