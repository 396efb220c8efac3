import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { startExternalIdp, type ExternalIdp } from '../support/external-idp.js';
import { freePort } from '../support/free-port.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { pkce, UserAgent } from '../support/user-agent.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';

type Json = Record<string, any>;

/**
 * External OpenID Connect login over HTTP (the browser test runs the practitioner flow): the
 * provider's claims map to the local account — `sub`, `fhirUser`, the patient's EHR, roles.
 */
describe('external OpenID Connect login: claims mapping and callback checks', () => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;
  let clientId: string;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startExternalIdp({
      redirectUri: `http://127.0.0.1:${port}/interaction/callback/idp`,
      users: [
        {
          username: 'pat',
          password: 'pat-pass',
          claims: {
            sub: 'idp-patient-1',
            name: 'Pat from the portal',
            fhirUser: 'Patient/pat-001',
            ehrId: PATIENT_EHR,
            patient: 'pat-001',
            roles: ['patient'],
          },
        },
        {
          username: 'nobody',
          password: 'nobody-pass',
          claims: { sub: 'idp-no-role', name: 'No Role' },
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
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope:
        'launch/patient openid fhirUser profile patient/composition-*.rs user/composition-*.rs',
    });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    await idp?.close();
  });

  /**
   * Starts an authorization and signs in at the provider; returns where the browser is then. The
   * provider runs on another port of the same host here, so its cookies go to their own jar, as
   * they would for a provider on its own host.
   */
  const signInAtIdp = async (
    agent: UserAgent,
    scope: string,
    username: string,
    password: string,
  ) => {
    const atIdp = new UserAgent();
    const { verifier, challenge } = pkce();
    const toIdp = await agent.follow(
      `${t.url}/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        scope,
        state: 'st-ext',
        aud: t.url,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString()}`,
      t.url,
    );
    expect(toIdp.url.startsWith(`${idp.issuer}/auth?`)).toBe(true);
    const login = await atIdp.follow(toIdp.url, idp.issuer);
    const html = await login.res.text();
    const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1], idp.issuer).href;
    const posted = await atIdp.submit(action, { username, password });
    const back = await atIdp.follow(
      new URL(posted.headers.get('location')!, action).href,
      idp.issuer,
    );
    expect(back.url.startsWith(`${t.url}/interaction/callback/idp?`)).toBe(true);
    return { url: back.url, verifier };
  };

  it('a patient signed in at the provider gets their own EHR (no picker) and their fhirUser', async () => {
    const agent = new UserAgent();
    const scope = 'launch/patient openid fhirUser profile patient/composition-*.rs';
    const { url, verifier } = await signInAtIdp(agent, scope, 'pat', 'pat-pass');
    const flow = await authorizeAsUser({ base: t.url, clientId, scope, agent, startUrl: url });
    expect(flow.pages).toEqual(['consent']);
    expect(flow.callback.searchParams.get('state')).toBe('st-ext');
    const body = (await (await redeem(t.url, clientId, { ...flow, verifier })).json()) as Json;
    expect(body).toMatchObject({ ehrId: PATIENT_EHR, patient: 'pat-001' });
    expect(body.scope.split(' ')).toContain('patient/composition-*.rs');
    const idToken = JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString());
    expect(idToken).toMatchObject({
      sub: 'idp-patient-1',
      fhirUser: 'Patient/pat-001',
      name: 'Pat from the portal',
    });
  });

  it('a user the provider gives no role gets no resource scopes (fail closed)', async () => {
    const agent = new UserAgent();
    const scope = 'openid profile user/composition-*.rs patient/composition-*.rs';
    const { url, verifier } = await signInAtIdp(agent, scope, 'nobody', 'nobody-pass');
    const flow = await authorizeAsUser({ base: t.url, clientId, scope, agent, startUrl: url });
    const body = (await (await redeem(t.url, clientId, { ...flow, verifier })).json()) as Json;
    expect(body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
  });

  it('a callback with an unknown state, or replayed, is refused', async () => {
    const unknown = await fetch(`${t.url}/interaction/callback/idp?code=abc&state=never-issued`, {
      redirect: 'manual',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Sign-in failed');

    const agent = new UserAgent();
    const scope = 'openid';
    const { url } = await signInAtIdp(agent, scope, 'pat', 'pat-pass');
    const first = await agent.follow(url, t.url);
    expect(first.res.status).toBeLessThan(400);
    // The same callback again (a replayed code and state) signs nobody in.
    const replay = await agent.follow(url, t.url);
    expect(replay.res.status).toBeGreaterThanOrEqual(400);
    expect(replay.url.startsWith(REDIRECT_URI)).toBe(false);
  });
});

describe('external OpenID Connect login: the provider cannot be reached', () => {
  let storage: TestStorage;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    // Nothing listens on this port.
    const dead = await freePort();
    t = await startTestApp(storage, {
      SMART_IDP_ISSUER: `http://127.0.0.1:${dead}`,
      SMART_IDP_CLIENT_ID: 'platform',
      SMART_IDP_CLIENT_SECRET: 'platform-secret',
    });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
  });

  it('the user gets a page saying sign-in is unavailable (503), not a server error', async () => {
    const clientId = await saveClient(t.app, {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'openid',
    });
    const step = await new UserAgent().follow(
      `${t.url}/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state: 'st',
        aud: t.url,
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }).toString()}`,
      t.url,
    );
    expect(step.res.status).toBe(503);
    expect(step.res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await step.res.text()).toContain('Sign-in unavailable');
  });
});
