import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { adminToken } from '../support/app.harness.js';
import { postForm } from '../support/clients.js';
import { authorizeAsUser, REDIRECT_URI } from '../support/smart-flow.js';
import { pkce, UserAgent } from '../support/user-agent.js';
import { bodyOf, publicApp, startSecurityApp, type SecurityApp } from './security.support.js';

/**
 * B.1 items of the authorization endpoint and of tokens that the other suites leave open: #3
 * (logout redirect), #11 (iss), #13 (request objects), #16 (max_age), #40 (ID and refresh tokens
 * are no access tokens), #48 (discovery issuer, ID token keys).
 */
describe('authorization endpoint and token types', () => {
  let t: SecurityApp;
  let appId: string;

  beforeAll(async () => {
    t = await startSecurityApp();
    appId = await publicApp(t.app, {
      post_logout_redirect_uris: ['http://127.0.0.1:9/logged-out'],
      scope: 'openid fhirUser offline_access launch/patient patient/composition-*.rs',
    });
  });
  afterAll(() => t.close());

  const authorizeQuery = (extra: Record<string, string> = {}) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: appId,
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      aud: t.url,
      state: 'st',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      ...extra,
    });

  it('#11 discovery advertises iss in authorization responses, and the issuer is exact (#48)', async () => {
    const config = await bodyOf(await fetch(`${t.url}/.well-known/openid-configuration`));
    expect(config.issuer).toBe(t.url);
    expect(config.authorization_response_iss_parameter_supported).toBe(true);
    expect(config.response_types_supported).toEqual(['code']);
    expect(config.request_parameter_supported).not.toBe(true);
  });

  it('#13 request objects are not supported: a `request` parameter is refused, never redirected with a code', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ client_id: appId, scope: 'openid' })).toString('base64url')}.`;
    const res = await fetch(
      `${t.url}/auth/authorize?${authorizeQuery({ request: none }).toString()}`,
      {
        redirect: 'manual',
      },
    );
    // The client and redirect_uri are valid, so the error goes back to the app (with iss).
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('location')!);
    expect(back.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      error: 'request_not_supported',
      state: 'st',
      iss: t.url,
    });
  });

  it('#16 max_age=1 forces a new login although a session exists', async () => {
    const agent = new UserAgent();
    const first = await authorizeAsUser({ base: t.url, clientId: appId, scope: 'openid', agent });
    expect(first.pages[0]).toBe('login');
    const again = await authorizeAsUser({ base: t.url, clientId: appId, scope: 'openid', agent });
    expect(again.pages[0]).not.toBe('login');
    // auth_time has one-second resolution: wait until it is certainly more than 1 s old.
    await new Promise((r) => setTimeout(r, 2100));
    const forced = await authorizeAsUser({
      base: t.url,
      clientId: appId,
      scope: 'openid',
      agent,
      extra: { max_age: '1' },
    });
    expect(forced.pages[0]).toBe('login');
  });

  it('#3 logout never redirects to an unregistered post_logout_redirect_uri', async () => {
    const agent = new UserAgent();
    const flow = await authorizeAsUser({ base: t.url, clientId: appId, scope: 'openid', agent });
    const code = flow.callback.searchParams.get('code')!;
    const tokens = await bodyOf(
      await postForm(`${t.url}/auth/token`, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: appId,
        code_verifier: flow.verifier,
      }),
    );
    for (const target of ['https://evil.example/', 'http://127.0.0.1:9/logged-out/extra']) {
      const res = await agent.request(
        `${t.url}/auth/logout?${new URLSearchParams({
          id_token_hint: tokens.id_token,
          post_logout_redirect_uri: target,
          client_id: appId,
        }).toString()}`,
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('#40 an ID token or a refresh token is no access token (userinfo, admin API, introspection)', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: appId,
      scope: 'openid fhirUser offline_access',
    });
    const tokens = await bodyOf(
      await postForm(`${t.url}/auth/token`, {
        grant_type: 'authorization_code',
        code: flow.callback.searchParams.get('code')!,
        redirect_uri: REDIRECT_URI,
        client_id: appId,
        code_verifier: flow.verifier,
      }),
    );
    expect(tokens.id_token).toEqual(expect.any(String));
    for (const token of [tokens.id_token, tokens.refresh_token]) {
      const userinfo = await fetch(`${t.url}/auth/userinfo`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(userinfo.status).toBe(401);
      const admin = await fetch(`${t.url}/admin/clients`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(admin.status).toBe(401);
    }
    const introspected = await bodyOf(
      await postForm(
        `${t.url}/auth/introspect`,
        { token: tokens.id_token },
        { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` },
      ),
    );
    expect(introspected).toEqual({ active: false });

    // #48: the ID token is signed with a published key, never alg none.
    const jwks = await bodyOf(await fetch(`${t.url}/auth/jwks`));
    const header = decodeProtectedHeader(tokens.id_token);
    expect(header.alg).toBe('RS256');
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
    await expect(
      jwtVerify(tokens.id_token, createLocalJWKSet(jwks), { issuer: t.url, audience: appId }),
    ).resolves.toBeDefined();
  });
});
