import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import {
  keycloakClaims,
  signInThroughIdp,
  startExternalIdp,
  type ExternalIdp,
} from '../support/external-idp.js';
import { freePort } from '../support/free-port.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { pkce, UserAgent } from '../support/user-agent.js';

type Json = Record<string, any>;
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const SUB = 'kc-user-1';

/**
 * OpenID Connect Back-Channel Logout 1.0 at `/interaction/backchannel-logout`: the identity server
 * (the test's second OpenID provider, signing with its own key) posts a logout token; a valid one
 * ends the user's sessions here and revokes their grants other than offline_access; anything the
 * spec's section 2.6 refuses is 400 invalid_request.
 */
describe('back-channel logout from the identity server', () => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;
  let clientId: string;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startExternalIdp({
      redirectUri: `http://127.0.0.1:${port}/interaction/callback/idp`,
      users: [
        { username: 'u1', password: 'pw', claims: keycloakClaims({ sub: SUB, username: 'u1' }) },
        {
          username: 'u2',
          password: 'pw',
          claims: keycloakClaims({ sub: 'kc-user-2', username: 'u2' }),
        },
      ],
    });
    storage = await createTestStorage();
    t = await startTestApp(storage, {
      PORT: String(port),
      SMART_IDP_ISSUER: idp.issuer,
      SMART_IDP_CLIENT_ID: idp.clientId,
      SMART_IDP_CLIENT_SECRET: idp.clientSecret,
    });
    clientId = await saveClient(t.app, {
      client_name: 'Portal app',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'openid profile online_access offline_access',
    });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    await idp?.close();
  });

  /** Signs `username` in through the identity server; the browser and the token response. */
  const signIn = async (username: string, scope: string) => {
    const agent = new UserAgent();
    const { url, verifier } = await signInThroughIdp({
      base: t.url,
      idp,
      clientId,
      agent,
      scope,
      username,
      password: 'pw',
    });
    const flow = await authorizeAsUser({ base: t.url, clientId, scope, agent, startUrl: url });
    const body = (await (await redeem(t.url, clientId, { ...flow, verifier })).json()) as Json;
    expect(body.refresh_token).toEqual(expect.any(String));
    return { agent, body };
  };

  const logoutToken = (claims: JWTPayload = {}, header: { typ?: string } = { typ: 'logout+jwt' }) =>
    idp.sign(
      {
        iss: idp.issuer,
        aud: idp.clientId,
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 120,
        jti: randomUUID(),
        sub: SUB,
        events: { [EVENT]: {} },
        ...claims,
      },
      header,
    );

  const postLogout = (token: string) =>
    fetch(`${t.url}/interaction/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }),
    });

  const refresh = (token: string) =>
    fetch(`${t.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: clientId,
      }),
    });

  /** A silent authorization (`prompt=none`) with the browser's session: the error, if any. */
  const silentError = async (agent: UserAgent) => {
    const step = await agent.follow(
      `${t.url}/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state: 'silent',
        prompt: 'none',
        aud: t.url,
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }).toString()}`,
      t.url,
    );
    return new URL(step.url).searchParams.get('error');
  };

  const introspect = async (token: string): Promise<Json> => {
    const res = await fetch(`${t.url}/auth/introspect`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await adminToken(t.url, 'introspect')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }),
    });
    return (await res.json()) as Json;
  };

  it('a valid logout token ends the sessions and online grants here; offline_access outlives it', async () => {
    const online = await signIn('u1', 'openid online_access');
    const offline = await signIn('u1', 'openid offline_access');
    const other = await signIn('u2', 'openid online_access');
    expect(await silentError(online.agent)).not.toBe('login_required');
    expect((await introspect(online.body.access_token)).active).toBe(true);

    const res = await postLogout(await logoutToken());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');

    expect(await silentError(online.agent)).toBe('login_required');
    const refused = await refresh(online.body.refresh_token);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Json).error).toBe('invalid_grant');
    expect((await introspect(online.body.access_token)).active).toBe(false);
    // Offline tokens outlive the logout, and other users are untouched.
    expect((await refresh(offline.body.refresh_token)).status).toBe(200);
    expect((await refresh(other.body.refresh_token)).status).toBe(200);
    expect(await silentError(other.agent)).not.toBe('login_required');
  });

  it('a token naming only the session (sid) logs out the user who signed in through it', async () => {
    const online = await signIn('u2', 'openid online_access');
    const sid = idp.sids.at(-1)!;
    expect(sid).toEqual(expect.any(String));
    const res = await postLogout(await logoutToken({ sub: undefined, sid }));
    expect(res.status).toBe(200);
    expect((await refresh(online.body.refresh_token)).status).toBe(400);
  });

  it('an unknown subject is still answered 200 (nothing left to end)', async () => {
    expect((await postLogout(await logoutToken({ sub: 'never-signed-in' }))).status).toBe(200);
  });

  it.each<[string, () => Promise<string>]>([
    [
      'a replayed jti',
      async () => {
        const token = await logoutToken({ sub: 'replay-user' });
        expect((await postLogout(token)).status).toBe(200);
        return token;
      },
    ],
    ['the wrong audience', () => logoutToken({ aud: 'another-client' })],
    ['the wrong issuer', () => logoutToken({ iss: 'https://elsewhere.example' })],
    ['no events claim', () => logoutToken({ events: undefined })],
    ['an events claim without the logout event', () => logoutToken({ events: { 'urn:x': {} } })],
    ['a logout event that is not an object', () => logoutToken({ events: { [EVENT]: 'yes' } })],
    ['a nonce', () => logoutToken({ nonce: 'n-1' })],
    ['neither sub nor sid', () => logoutToken({ sub: undefined })],
    ['no jti', () => logoutToken({ jti: undefined })],
    ['no iat', () => logoutToken({ iat: undefined })],
    ['an iat too old', () => logoutToken({ iat: Math.floor(Date.now() / 1000) - 3600 })],
    ['an expired exp', () => logoutToken({ exp: Math.floor(Date.now() / 1000) - 120 })],
    ['no exp', () => logoutToken({ exp: undefined })],
    ['the wrong typ', () => logoutToken({}, { typ: 'at+jwt' })],
    [
      'a signature by another key',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({
          iss: idp.issuer,
          aud: idp.clientId,
          iat: Math.floor(Date.now() / 1000),
          exp: Math.floor(Date.now() / 1000) + 120,
          jti: randomUUID(),
          sub: SUB,
          events: { [EVENT]: {} },
        })
          .setProtectedHeader({ alg: 'RS256', kid: 'idp-1', typ: 'logout+jwt' })
          .sign(privateKey);
      },
    ],
    ['not a JWT', () => Promise.resolve('not-a-jwt')],
  ])('a logout token with %s is refused: 400 invalid_request', async (_name, make) => {
    const res = await postLogout(await make());
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(((await res.json()) as Json).error).toBe('invalid_request');
  });

  it('a request without a logout_token is refused', async () => {
    const res = await fetch(`${t.url}/interaction/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(res.status).toBe(400);
  });
});
