import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LaunchContextEntity } from '../../libs/auth-server/src/persistence/launch-context.entity.js';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { formAction, formField, pkce, UserAgent } from '../support/user-agent.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SCOPE = 'launch openid patient/composition-*.rs';

/**
 * EHR launch handles (decisions.md item 7; security B.1 item 10): opaque, short-lived, single-use
 * and bound to the client they were created for. A bad handle never yields a code, and is refused
 * at the authorization request, before anybody signs in.
 */
describe('EHR launch handles: reuse, expiry, foreign client, unknown', () => {
  let storage: TestStorage;
  let t: TestApp;
  let clientA: string;
  let clientB: string;
  let launcher: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    const metadata = {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'launch openid fhirUser patient/composition-*.rs patient/Observation.rs',
    };
    clientA = await saveClient(t.app, { client_name: 'App A', ...metadata });
    clientB = await saveClient(t.app, { client_name: 'App B', ...metadata });
    launcher = await adminToken(t.url, 'launch:create');
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const createLaunch = async (body: Record<string, unknown>): Promise<string> => {
    const res = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${launcher}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { launch: string }).launch;
  };

  /** The authorization request an app sends with a launch value (first response, unfollowed). */
  const authorize = (clientId: string, launch: string, scope = SCOPE) =>
    fetch(
      `${t.url}/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        scope,
        state: 'st-launch',
        aud: t.url,
        launch,
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }).toString()}`,
      { redirect: 'manual' },
    );

  /** Refused with invalid_request back to the app, no code, and no login page shown. */
  const expectRefused = (res: Response, description: string) => {
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!, t.url);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('code')).toBeNull();
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toBe(description);
    expect(location.searchParams.get('state')).toBe('st-launch');
  };

  it('a fresh launch for the client is accepted (the baseline of the refusals below)', async () => {
    const res = await authorize(
      clientA,
      await createLaunch({ ehrId: PATIENT_EHR, client_id: clientA }),
    );
    expect(res.headers.get('location')).toMatch(/^\/interaction\//);
  });

  it('an unknown, tampered or malformed launch is refused', async () => {
    const genuine = await createLaunch({ ehrId: PATIENT_EHR, client_id: clientA });
    const flipped = `${genuine.slice(0, -1)}${genuine.endsWith('A') ? 'B' : 'A'}`;
    for (const value of [flipped, 'x'.repeat(43), 'not a handle', 'a'.repeat(3000)]) {
      expectRefused(await authorize(clientA, value), 'launch is unknown');
    }
  });

  it('a launch created for another client is refused', async () => {
    const launch = await createLaunch({ ehrId: PATIENT_EHR, client_id: clientA });
    expectRefused(await authorize(clientB, launch), 'launch was created for another client');
    // Still usable by its own client: the refusal did not use it up.
    const ok = await authorizeAsUser({
      base: t.url,
      clientId: clientA,
      scope: SCOPE,
      extra: { launch },
    });
    expect(ok.callback.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('an expired launch is refused', async () => {
    const launch = await createLaunch({ ehrId: PATIENT_EHR, client_id: clientA });
    await t.app
      .get(DataSource)
      .getRepository(LaunchContextEntity)
      .update(
        { id: createHash('sha256').update(launch).digest('base64url') },
        { expiresAt: Date.now() - 1000 },
      );
    expectRefused(await authorize(clientA, launch), 'launch has expired');
  });

  it('a used launch is refused at the next authorization request', async () => {
    const launch = await createLaunch({ ehrId: PATIENT_EHR, client_id: clientA });
    const first = await authorizeAsUser({
      base: t.url,
      clientId: clientA,
      scope: SCOPE,
      extra: { launch },
    });
    expect((await redeem(t.url, clientA, first)).status).toBe(200);
    expectRefused(await authorize(clientA, launch), 'launch was already used');
  });

  it('two authorizations racing with one launch: exactly one gets a code', async () => {
    // A client nobody approved yet, so both browsers stop at the consent page.
    const racer = await saveClient(t.app, {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: SCOPE,
    });
    const launch = await createLaunch({ ehrId: PATIENT_EHR, client_id: racer });
    // Two browsers reach the consent page with the same launch value.
    const atConsent = await Promise.all(
      [0, 1].map(async () => {
        const agent = new UserAgent();
        const first = await agent.follow(
          `${t.url}/auth/authorize?${new URLSearchParams({
            response_type: 'code',
            client_id: racer,
            redirect_uri: REDIRECT_URI,
            scope: SCOPE,
            state: 'race',
            aud: t.url,
            launch,
            code_challenge: pkce().challenge,
            code_challenge_method: 'S256',
          }).toString()}`,
          t.url,
        );
        const login = await first.res.text();
        const action = new URL(formAction(login), t.url).href;
        const afterLogin = await agent.submit(action, {
          csrf: formField(login, 'csrf'),
          username: 'clinician',
          password: 'clinician',
        });
        const consent = await agent.follow(
          new URL(afterLogin.headers.get('location')!, action).href,
          t.url,
        );
        const html = await consent.res.text();
        expect(html).toContain('name="decision" value="allow"');
        return { agent, html, url: consent.url };
      }),
    );
    const outcomes = await Promise.all(
      atConsent.map(async ({ agent, html, url }) => {
        const action = new URL(formAction(html), url).href;
        const res = await agent.submit(action, {
          csrf: formField(html, 'csrf'),
          decision: 'allow',
          scope: [...html.matchAll(/name="scope" value="([^"]*)"/g)].map((m) => m[1]),
        });
        const end = await agent.follow(new URL(res.headers.get('location')!, action).href, t.url);
        return new URL(end.url).searchParams;
      }),
    );
    const codes = outcomes.filter((q) => q.get('code'));
    const errors = outcomes.filter((q) => q.get('error'));
    expect(codes).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0].get('error')).toBe('invalid_request');
  });

  it('a launch without client_id serves any client, once', async () => {
    const launch = await createLaunch({ ehrId: PATIENT_EHR, patient: 'pat-001' });
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: clientB,
      scope: SCOPE,
      extra: { launch },
    });
    const body = (await (await redeem(t.url, clientB, flow)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ehrId: PATIENT_EHR, patient: 'pat-001' });
    expectRefused(await authorize(clientA, launch), 'launch was already used');
  });

  it('a launch with a FHIR patient but no EHR: patient/ openEHR scopes are not granted (fail closed)', async () => {
    const launch = await createLaunch({ patient: 'pat-009', client_id: clientA });
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: clientA,
      scope: 'launch openid patient/composition-*.rs patient/Observation.rs',
      extra: { launch },
    });
    const body = (await (await redeem(t.url, clientA, flow)).json()) as Record<string, unknown>;
    expect(body.patient).toBe('pat-009');
    expect(body.ehrId).toBeUndefined();
    expect(String(body.scope).split(' ').sort()).toEqual([
      'launch',
      'openid',
      'patient/Observation.rs',
    ]);
  });

  it('the launcher needs admin or launch:create, and ehrId or patient', async () => {
    const noScope = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await adminToken(t.url, 'introspect')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ehrId: PATIENT_EHR }),
    });
    expect(noScope.status).toBe(403);
    const empty = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${launcher}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientA }),
    });
    expect(empty.status).toBe(400);
  });
});
