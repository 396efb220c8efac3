import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { makeKeyClient } from '../support/private-key-client.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { formField, UserAgent } from '../support/user-agent.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const APP_SCOPE =
  'launch launch/patient openid fhirUser profile offline_access online_access patient/composition-*.rs user/composition-*.rs patient/Observation.rs';
const SECRET = 'symmetric-secret-0123456789abcdef';

type Json = Record<string, any>;

/**
 * Apps as apps are written: OpenID Connect (`openid fhirUser profile` → RS256 id_token with
 * fhirUser, userinfo), a full launch driven with the `openid-client` library for each client type,
 * and refresh tokens bound to the session (`online_access`).
 */
describe('OpenID Connect and apps built with openid-client', () => {
  let storage: TestStorage;
  let t: TestApp;
  let publicClient: string;
  let symmetricClient: string;
  const keyClient = makeKeyClient('RS384', 'asymmetric-app');

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    const app = {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: APP_SCOPE,
    };
    publicClient = await saveClient(t.app, {
      client_name: 'Public app',
      token_endpoint_auth_method: 'none',
      ...app,
    });
    symmetricClient = await saveClient(
      t.app,
      { client_name: 'Server app', token_endpoint_auth_method: 'client_secret_basic', ...app },
      { secret: SECRET },
    );
    const key = await keyClient;
    await saveClient(
      t.app,
      {
        client_name: 'Key app',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS384',
        jwks: { keys: [key.publicJwk] },
        ...app,
      },
      { clientId: key.clientId },
    );
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  it('sso-openid-connect: openid fhirUser profile → an RS256 id_token with fhirUser, verifiable with the JWKS', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: publicClient,
      scope: 'openid fhirUser profile launch/patient patient/composition-*.rs',
      username: 'patient',
      password: 'patient',
      extra: { nonce: 'n-0S6_WzA2Mj' },
    });
    const body = (await (await redeem(t.url, publicClient, flow)).json()) as Json;
    expect(decodeProtectedHeader(body.id_token).alg).toBe('RS256');
    const discovery = (await (
      await fetch(`${t.url}/.well-known/openid-configuration`)
    ).json()) as Json;
    expect(discovery.id_token_signing_alg_values_supported).toContain('RS256');
    const { payload } = await jwtVerify(
      body.id_token,
      createRemoteJWKSet(new URL(discovery.jwks_uri)),
      { issuer: t.url, audience: publicClient, algorithms: ['RS256'] },
    );
    expect(payload).toMatchObject({
      sub: 'patient',
      fhirUser: 'Patient/pat-001',
      name: 'Pat Patterson',
      nonce: 'n-0S6_WzA2Mj',
    });

    // Introspection names the same user as the id_token (SMART introspection requirements).
    const introspection = (await (
      await fetch(`${t.url}/auth/introspect`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await adminToken(t.url, 'introspect')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: body.access_token }),
      })
    ).json()) as Json;
    expect(introspection).toMatchObject({
      active: true,
      iss: payload.iss,
      sub: payload.sub,
      fhirUser: 'Patient/pat-001',
      ehrId: PATIENT_EHR,
      scope: body.scope,
    });
  });

  it('a client registered with id_token_signed_response_alg ES256 gets ES256 ID tokens; HS256 is refused', async () => {
    const register = async (alg: string) =>
      fetch(`${t.url}/admin/clients`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await adminToken(t.url, 'admin')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          client_name: 'EC app',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code'],
          redirect_uris: [REDIRECT_URI],
          scope: 'openid fhirUser user/composition-*.rs',
          id_token_signed_response_alg: alg,
        }),
      });
    const refused = await register('HS256');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client_metadata' });

    const created = await register('ES256');
    expect(created.status).toBe(201);
    const client = (await created.json()) as Json;
    expect(client.id_token_signed_response_alg).toBe('ES256');
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: client.client_id,
      scope: 'openid fhirUser user/composition-*.rs',
    });
    const body = (await (await redeem(t.url, client.client_id, flow)).json()) as Json;
    expect(decodeProtectedHeader(body.id_token).alg).toBe('ES256');
    const { payload } = await jwtVerify(
      body.id_token,
      createRemoteJWKSet(new URL(`${t.url}/auth/jwks`)),
      { issuer: t.url, audience: client.client_id, algorithms: ['ES256'] },
    );
    expect(payload).toMatchObject({ sub: 'clinician', fhirUser: 'Practitioner/clinician' });
  });

  it('userinfo answers with the access token of an openid grant', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: publicClient,
      scope: 'openid fhirUser profile user/composition-*.rs',
    });
    const body = (await (await redeem(t.url, publicClient, flow)).json()) as Json;
    const res = await fetch(`${t.url}/auth/userinfo`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      sub: 'clinician',
      fhirUser: 'Practitioner/clinician',
      name: 'Dr Claire Clinician',
    });
  });

  /** Drives the user's part (login, consent) of an authorization URL openid-client built. */
  const userAnswers = async (url: URL, username = 'patient') => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: 'unused',
      scope: 'unused',
      username,
      password: username,
      startUrl: url.href,
    });
    return flow.callback;
  };

  const discover = (
    clientId: string,
    auth: oidc.ClientAuth,
    metadata?: Partial<oidc.ClientMetadata>,
  ) =>
    oidc.discovery(new URL(t.url), clientId, metadata, auth, {
      execute: [oidc.allowInsecureRequests],
    });

  /** A standalone patient launch as an app would run it, with state, nonce and PKCE. */
  const launchWith = async (
    config: oidc.Configuration,
    o: { launch?: string; username?: string } = {},
  ) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: o.launch
        ? 'launch openid fhirUser patient/composition-*.rs'
        : 'launch/patient openid fhirUser offline_access patient/composition-*.rs',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      aud: t.url,
      ...(o.launch ? { launch: o.launch } : {}),
    });
    const callback = await userAnswers(url, o.username);
    return oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
  };

  it('client-public: openid-client runs discovery, the launch, the code exchange, refresh and userinfo', async () => {
    const config = await discover(publicClient, oidc.None());
    expect(config.serverMetadata().authorization_response_iss_parameter_supported).toBe(true);
    const tokens = await launchWith(config);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expiresIn()).toBeGreaterThan(0);
    expect(tokens.ehrId).toBe(PATIENT_EHR);
    expect(tokens.patient).toBe('pat-001');
    const claims = tokens.claims()!;
    expect(claims.fhirUser).toBe('Patient/pat-001');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.ehrId).toBe(PATIENT_EHR);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const info = await oidc.fetchUserInfo(config, refreshed.access_token, claims.sub);
    expect(info).toMatchObject({ sub: 'patient', fhirUser: 'Patient/pat-001' });
  });

  it('client-public, EHR launch: openid-client sends the launch value; the context comes with the token', async () => {
    const created = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await adminToken(t.url, 'launch:create')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ehrId: PATIENT_EHR, patient: 'pat-001', client_id: publicClient }),
    });
    const { launch } = (await created.json()) as { launch: string };
    const config = await discover(publicClient, oidc.None());
    const tokens = await launchWith(config, { launch, username: 'clinician' });
    expect(tokens).toMatchObject({ ehrId: PATIENT_EHR, patient: 'pat-001' });
    expect(tokens.scope?.split(' ')).toContain('launch');
    expect(tokens.claims()!.fhirUser).toBe('Practitioner/clinician');
  });

  it('client-confidential-symmetric: the code flow with client_secret_basic (and PKCE), refresh and revocation', async () => {
    const config = await discover(symmetricClient, oidc.ClientSecretBasic(SECRET));
    const tokens = await launchWith(config);
    expect(tokens.ehrId).toBe(PATIENT_EHR);
    expect(tokens.claims()!.aud).toBe(symmetricClient);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    const wrong = await discover(symmetricClient, oidc.ClientSecretBasic('not-the-secret-0123456'));
    await expect(launchWith(wrong)).rejects.toMatchObject({
      status: 401,
      cause: [
        { scheme: 'basic', parameters: expect.objectContaining({ error: 'invalid_client' }) },
      ],
    });
    // The secret is needed at the token endpoint: a code alone is not enough.
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: symmetricClient,
      scope: 'openid launch/patient patient/composition-*.rs',
      username: 'patient',
      password: 'patient',
    });
    const noSecret = await redeem(t.url, symmetricClient, flow);
    expect(noSecret.status).toBe(401);
  });

  it('client-confidential-asymmetric: the code flow with private_key_jwt (RS384)', async () => {
    const key = await keyClient;
    const config = await discover(
      key.clientId,
      oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.publicJwk.kid }),
    );
    const tokens = await launchWith(config);
    expect(tokens.ehrId).toBe(PATIENT_EHR);
    expect(tokens.claims()!.aud).toBe(key.clientId);
  });

  describe('permission-online: online_access refresh tokens live as long as the session', () => {
    const refresh = (token: string) =>
      fetch(`${t.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: token,
          client_id: publicClient,
        }),
      });

    const logout = async (agent: UserAgent) => {
      const page = await agent.request(`${t.url}/auth/logout`);
      const html = await page.text();
      const action = /<form[^>]* action="([^"]+)"/.exec(html)?.[1];
      expect(action).toBeDefined();
      const done = await agent.submit(new URL(action!, t.url).href, {
        xsrf: formField(html, 'xsrf'),
        logout: 'yes',
      });
      expect(done.status).toBeLessThan(400);
    };

    it('an online_access refresh token stops working when the user signs out; offline_access does not', async () => {
      const agent = new UserAgent();
      const offline = await authorizeAsUser({
        base: t.url,
        clientId: publicClient,
        scope: 'launch/patient offline_access patient/composition-*.rs',
        username: 'patient',
        password: 'patient',
        agent,
      });
      const offlineBody = (await (await redeem(t.url, publicClient, offline)).json()) as Json;
      const online = await authorizeAsUser({
        base: t.url,
        clientId: publicClient,
        scope: 'launch/patient online_access patient/composition-*.rs',
        agent,
      });
      const onlineBody = (await (await redeem(t.url, publicClient, online)).json()) as Json;
      expect(onlineBody.scope.split(' ')).toContain('online_access');
      expect(onlineBody.refresh_token).toEqual(expect.any(String));

      // While the user is signed in, the online token refreshes (and keeps the context).
      const first = await refresh(onlineBody.refresh_token);
      const firstBody = (await first.json()) as Json;
      expect(first.status).toBe(200);
      expect(firstBody.ehrId).toBe(PATIENT_EHR);

      await logout(agent);
      const after = await refresh(firstBody.refresh_token);
      expect(after.status).toBe(400);
      expect(((await after.json()) as Json).error).toBe('invalid_grant');
      const offlineAfter = await refresh(offlineBody.refresh_token);
      expect(offlineAfter.status).toBe(200);
    });
  });
});
