import { createHash } from 'node:crypto';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { adminToken, basic, startTestApp, type TestApp } from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import { authorizeAsUser, REDIRECT_URI, type FlowResult } from '../support/smart-flow.js';
import { sharedPostgresUrl } from '../support/test-database.js';
import {
  auditEvents,
  bodyOf,
  eventually,
  expectOAuthError,
  FORM,
  publicApp,
  SCOPE,
  SECRET,
  secretClient,
  startSecurityApp,
  storedArtefacts,
  type SecurityApp,
} from './security.support.js';

const USER_SCOPE = 'launch/patient offline_access patient/composition-*.rs';
const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');

/**
 * B.1 #17-#22, #30, #35, #36, #41, #42: the token endpoint's single-use, binding and client
 * authentication rules, each refusal with its exact status and error and nothing issued. On
 * PostgreSQL the parallel cases run over two instances sharing the database.
 */
describe('token endpoint: codes, refresh tokens, client authentication', () => {
  let t: SecurityApp;
  let second: TestApp | undefined;
  let appId: string;
  let otherAppId: string;
  let instances: string[];

  beforeAll(async () => {
    t = await startSecurityApp();
    // A second instance of the same deployment (same issuer) on the same database.
    // Reached on its own port, as behind a load balancer: its host is listed.
    if (sharedPostgresUrl()) {
      second = await startTestApp(t.storage, {
        SMART_PUBLIC_URL: t.url,
        SMART_ALLOWED_HOSTS: '127.0.0.1',
      });
    }
    instances = [t.url, ...(second ? [second.url] : [])];
    appId = await publicApp(t.app);
    otherAppId = await publicApp(t.app);
  });
  afterAll(async () => {
    await second?.close();
    await t.close();
  });

  const flow = () =>
    authorizeAsUser({
      base: t.url,
      clientId: appId,
      scope: USER_SCOPE,
      username: 'patient',
      password: 'patient',
    });
  const codeOf = (f: FlowResult) => f.callback.searchParams.get('code')!;
  const exchange = (f: FlowResult, overrides: Record<string, string> = {}, base = t.url) =>
    postForm(`${base}/auth/token`, {
      grant_type: 'authorization_code',
      code: codeOf(f),
      redirect_uri: REDIRECT_URI,
      client_id: appId,
      code_verifier: f.verifier,
      ...overrides,
    });
  const refresh = (rt: string, clientId = appId, base = t.url) =>
    postForm(`${base}/auth/token`, {
      grant_type: 'refresh_token',
      refresh_token: rt,
      client_id: clientId,
    });

  const active = async (token: string) => {
    const res = await postForm(
      `${t.url}/auth/introspect`,
      { token },
      { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` },
    );
    return ((await bodyOf(res)) as { active: boolean }).active;
  };

  it('#17 a replayed code is invalid_grant and revokes the tokens it yielded', async () => {
    const f = await flow();
    const first = await exchange(f, {}, instances[instances.length - 1]);
    const tokens = await bodyOf(first);
    expect(first.status).toBe(200);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(await active(tokens.access_token)).toBe(true);
    await expectOAuthError(await exchange(f), 400, 'invalid_grant');
    await expectOAuthError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
    expect(await active(tokens.access_token)).toBe(false);
    const replay = await eventually(
      () => auditEvents(t.app, 'code.replay'),
      (items) => items.length > 0,
    );
    expect(replay[0]).toMatchObject({
      actor: appId,
      details: { client: appId, grant_type: 'authorization_code', grantRevoked: true },
    });
  });

  it('#18 twenty parallel redemptions of one code (every instance): exactly one succeeds', async () => {
    const f = await flow();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => exchange(f, {}, instances[i % instances.length])),
    );
    const bodies = await Promise.all(answers.map(bodyOf));
    const won = answers.map((r, i) => ({ status: r.status, body: bodies[i] }));
    expect(won.filter((w) => w.status === 200)).toHaveLength(1);
    for (const lost of won.filter((w) => w.status !== 200)) {
      expect(lost).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect(lost.body.access_token).toBeUndefined();
    }
    // The race is a replay too: the winner's refresh token is revoked with its grant.
    const winner = won.find((w) => w.status === 200)!.body;
    await expectOAuthError(await refresh(winner.refresh_token), 400, 'invalid_grant');
    expect(await active(winner.access_token)).toBe(false);
  });

  it('#19 a code is bound to its client and to its redirect_uri', async () => {
    const f = await flow();
    const before = await storedArtefacts(t.app);
    await expectOAuthError(await exchange(f, { client_id: otherAppId }), 400, 'invalid_grant');
    await expectOAuthError(
      await exchange(f, { redirect_uri: 'http://127.0.0.1:9/other' }),
      400,
      'invalid_grant',
    );
    expect(await storedArtefacts(t.app)).toBeLessThanOrEqual(before);
  });

  it('#20 an expired code is invalid_grant', async () => {
    const f = await flow();
    await t.app
      .get(DataSource)
      .query(
        `UPDATE oidc_payload SET expires_at = 1 WHERE model = 'AuthorizationCode' AND id = '${hashId(codeOf(f))}'`,
      );
    await expectOAuthError(await exchange(f), 400, 'invalid_grant');
  });

  it('#21 a code_verifier outside the RFC 7636 syntax is invalid_grant', async () => {
    for (const verifier of ['a'.repeat(42), `${'a'.repeat(42)}~!`, 'a'.repeat(129)]) {
      const f = await flow();
      await expectOAuthError(await exchange(f, { code_verifier: verifier }), 400, 'invalid_grant');
    }
  });

  it('#30 two authentication methods in one request are invalid_request; a malformed Basic header invalid_client', async () => {
    const clientId = await secretClient(t.app);
    const tokenUrl = `${t.url}/auth/token`;
    const form = { grant_type: 'client_credentials', scope: SCOPE };
    await expectOAuthError(
      await postForm(
        tokenUrl,
        { ...form, client_id: clientId, client_secret: SECRET },
        {
          authorization: basic(clientId, SECRET),
        },
      ),
      400,
      'invalid_request',
    );
    await expectOAuthError(
      await postForm(
        tokenUrl,
        {
          ...form,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: 'eyJhbGciOiJFUzI1NiJ9.e30.sig',
        },
        { authorization: basic(clientId, SECRET) },
      ),
      400,
      'invalid_request',
    );
    for (const header of [
      'Basic !!!not-base64!!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      // Unpadded base64 is readable, but still has no colon.
      `Basic ${Buffer.from('nocolon1').toString('base64').replace(/=+$/, '')}`,
      'Bearer not-basic-at-all',
      'Basic',
    ]) {
      const res = await postForm(tokenUrl, form, { authorization: header });
      await expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
  });

  it('#35 parallel refreshes of one rotating refresh token: one wins, and the grant is revoked', async () => {
    const tokens = await bodyOf(await exchange(await flow()));
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        refresh(tokens.refresh_token, appId, instances[i % instances.length]),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(9);
    const winner = await bodyOf(answers[statuses.indexOf(200)]);
    await expectOAuthError(await refresh(winner.refresh_token), 400, 'invalid_grant');
    expect(await active(winner.access_token)).toBe(false);
    expect(await active(tokens.access_token)).toBe(false);
    const reuse = await eventually(
      () => auditEvents(t.app, 'refresh_token.reuse'),
      (items) => items.some((e) => e.details?.client === appId),
    );
    expect(reuse[0].details).toMatchObject({ grant_type: 'refresh_token', grantRevoked: true });
  });

  it('#36 a refresh token is bound to its client and expires', async () => {
    const tokens = await bodyOf(await exchange(await flow()));
    await expectOAuthError(await refresh(tokens.refresh_token, otherAppId), 400, 'invalid_grant');
    await t.app
      .get(DataSource)
      .query(
        `UPDATE oidc_payload SET expires_at = 1 WHERE model = 'RefreshToken' AND id = '${hashId(tokens.refresh_token)}'`,
      );
    await expectOAuthError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
  });

  it('#41 codes, refresh tokens and token ids carry at least 128 bits', async () => {
    const f = await flow();
    const tokens = await bodyOf(await exchange(f));
    const jti = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString(),
    ).jti;
    for (const value of [codeOf(f), tokens.refresh_token, jti]) {
      expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
      // base64url: 6 bits a character; 22 characters = 132 bits.
      expect(value.length * 6).toBeGreaterThanOrEqual(128);
    }
    expect(new Set([codeOf(f), tokens.refresh_token, jti]).size).toBe(3);
  });

  it('#42 token answers, errors included, are never cached', async () => {
    const f = await flow();
    const ok = await exchange(f);
    expect(ok.status).toBe(200);
    const error = await exchange(f);
    const badClient = await postForm(`${t.url}/auth/token`, {
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'x',
    });
    for (const res of [ok, error, badClient])
      expect(res.headers.get('cache-control')).toBe('no-store');
  });

  describe('security events', () => {
    afterEach(() => jest.restoreAllMocks());

    it('an issued token is a log line (with client, user, ehrId, scopes and request id), not an audit row', async () => {
      const log = jest.spyOn(Logger.prototype, 'log');
      const f = await flow();
      const res = await fetch(`${t.url}/auth/token`, {
        method: 'POST',
        headers: { ...FORM, 'x-request-id': 'req-token-issued-1' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: codeOf(f),
          redirect_uri: REDIRECT_URI,
          client_id: appId,
          code_verifier: f.verifier,
        }),
      });
      expect(res.status).toBe(200);
      const body = await bodyOf(res);
      const line = log.mock.calls
        .map(([message]) => message as { securityEvent?: Record<string, unknown> })
        .find((m) => m?.securityEvent?.requestId === 'req-token-issued-1');
      expect(line?.securityEvent).toMatchObject({
        type: 'token.issued',
        outcome: 'success',
        clientId: appId,
        userId: 'patient',
        ehrId: body.ehrId,
        scopes: body.scope,
        details: { grant_type: 'authorization_code' },
      });
      const rows = await auditEvents(t.app, 'token.issued');
      expect(rows).toHaveLength(0);
    });

    it('a refused token request is a warning and an audit row with the request id', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const clientId = await secretClient(t.app);
      const res = await fetch(`${t.url}/auth/token`, {
        method: 'POST',
        headers: {
          ...FORM,
          authorization: basic(clientId, SECRET),
          'x-request-id': 'req-refused-1',
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: 'system/composition-*.cruds',
        }),
      });
      await expectOAuthError(res, 400, 'invalid_scope');
      expect(
        warn.mock.calls.some(
          ([m]) =>
            (m as { securityEvent?: { requestId?: string } })?.securityEvent?.requestId ===
            'req-refused-1',
        ),
      ).toBe(true);
      const rows = await eventually(
        () => auditEvents(t.app, 'token.refused'),
        (items) => items.some((e) => e.details?.requestId === 'req-refused-1'),
      );
      expect(rows.find((e) => e.details?.requestId === 'req-refused-1')).toMatchObject({
        actor: clientId,
        details: {
          outcome: 'failure',
          client: clientId,
          grant_type: 'client_credentials',
          reason: expect.stringMatching(/^invalid_scope/),
        },
      });
    });

    it('an admin action (suspending a client) is a log line; the suspended client is refused and audited', async () => {
      const log = jest.spyOn(Logger.prototype, 'log');
      const { adminToken } = await import('../support/app.harness.js');
      const clientId = await secretClient(t.app);
      const suspended = await fetch(`${t.url}/admin/clients/${clientId}/suspend`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await adminToken(t.url)}` },
      });
      expect(suspended.status).toBe(200);
      const line = log.mock.calls
        .map(([m]) => m as { securityEvent?: { type?: string; details?: Record<string, unknown> } })
        .find(
          (m) =>
            m?.securityEvent?.type === 'admin.action' &&
            m.securityEvent.details?.targetId === clientId,
        );
      expect(line?.securityEvent?.details).toMatchObject({
        action: 'client.suspend',
        actor: 'test-admin',
      });
      const refused = await postForm(
        `${t.url}/auth/token`,
        { grant_type: 'client_credentials', scope: SCOPE },
        { authorization: basic(clientId, SECRET) },
      );
      await expectOAuthError(refused, 401, 'invalid_client');
      await eventually(
        () => auditEvents(t.app, 'client_auth.failure'),
        (items) => items.some((e) => e.details?.client === clientId),
      );
    });
  });
});

describe('token endpoint with PKCE only for public clients (SMART_PKCE=public-only)', () => {
  let t: SecurityApp;
  beforeAll(async () => {
    t = await startSecurityApp({ SMART_PKCE: 'public-only' });
  });
  afterAll(() => t.close());

  it('#22 PKCE downgrade: a code_verifier for a code issued without a challenge is refused', async () => {
    const clientId = await saveClient(
      t.app,
      {
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
        scope: 'openid patient/composition-*.rs',
      },
      { secret: SECRET },
    );
    const f = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'openid',
      extra: { code_challenge: '', code_challenge_method: '' },
    });
    const code = f.callback.searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    const res = await postForm(
      `${t.url}/auth/token`,
      {
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: REDIRECT_URI,
        code_verifier: f.verifier,
      },
      { authorization: basic(clientId, SECRET) },
    );
    await expectOAuthError(res, 400, 'invalid_grant');
  });
});
