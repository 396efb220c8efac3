import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import {
  authorizationUrl,
  authorizeAsUser,
  redeem,
  REDIRECT_URI,
  type FlowResult,
} from '../support/smart-flow.js';
import { formField, pkce, UserAgent } from '../support/user-agent.js';

type Json = Record<string, any>;
const EHR_A = '7d44b88c-4199-4bad-97dc-d78268e01398';
const EHR_B = '0f6a1c8e-2d3b-4e5f-9a7b-1c2d3e4f5a6b';
const SCOPE = 'openid fhirUser offline_access user/composition-*.rs';

/**
 * A signed-in user's next authorization for the same app: answered at once (no interaction, no
 * page) when the app's grant in this session already holds every requested scope; through the
 * consent step when it asks for launch context (each launch gets its own grant and patient), for
 * more than the grant holds, after the user revoked the app, or when the grant is past half its
 * lifetime.
 */
describe('repeat authorizations in a signed-in session', () => {
  let storage: TestStorage;
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    clientId = await saveClient(t.app, {
      client_name: 'Ward board',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: `launch launch/patient profile ${SCOPE} patient/composition-*.rs`,
    });
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  /** Where the authorization request itself sends the browser: the app (a code) or an interaction. */
  const firstHop = async (agent: UserAgent, scope: string, extra: Record<string, string> = {}) => {
    const url = authorizationUrl({ base: t.url, clientId, scope, extra }, pkce().challenge, 'hop');
    const res = await agent.request(url);
    expect(res.status).toBe(303);
    return new URL(res.headers.get('location')!, t.url);
  };
  const tokens = async (flow: FlowResult): Promise<Json> => {
    const res = await redeem(t.url, clientId, flow);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };
  const launch = async (ehrId: string, patient: string) => {
    const res = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await adminToken(t.url, 'launch:create')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ehrId, patient, client_id: clientId }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { launch: string }).launch;
  };
  const signedIn = async (scope = SCOPE) => {
    const flow = await authorizeAsUser({ base: t.url, clientId, scope });
    // The consent page only the first time: the decision is remembered.
    expect(flow.pages[0]).toBe('login');
    return { agent: flow.agent, first: await tokens(flow) };
  };

  it('the scopes of the grant again: a code at once, with a refresh token and the same scopes', async () => {
    const { agent, first } = await signedIn();
    const hop = await firstHop(agent, SCOPE);
    expect(`${hop.origin}${hop.pathname}`).toBe(REDIRECT_URI);
    expect(hop.searchParams.get('code')).toBeTruthy();

    const again = await authorizeAsUser({ base: t.url, clientId, scope: SCOPE, agent });
    expect(again.pages).toEqual([]);
    const body = await tokens(again);
    expect(body.scope.split(' ').sort()).toEqual(first.scope.split(' ').sort());
    expect(typeof body.refresh_token).toBe('string');
    expect(decodeJwt(body.access_token)).toMatchObject({ fhirUser: 'Practitioner/clinician' });
    // The user explicitly asking again (prompt=consent) is answered by the same decision.
    const asked = await firstHop(agent, SCOPE, { prompt: 'consent' });
    expect(`${asked.origin}${asked.pathname}`).toBe(REDIRECT_URI);
  });

  it('fewer scopes than the grant holds: the token carries only the requested ones', async () => {
    const { agent } = await signedIn();
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'openid user/composition-*.rs',
      agent,
    });
    expect(flow.pages).toEqual([]);
    const body = await tokens(flow);
    expect(body.scope.split(' ').sort()).toEqual(['openid', 'user/composition-*.rs']);
    expect(body.refresh_token).toBeUndefined();
    expect(decodeJwt(body.access_token).scope).toBe(body.scope);
  });

  it('a scope the grant does not hold: the consent page, then a code', async () => {
    const { agent } = await signedIn();
    const hop = await firstHop(agent, `${SCOPE} profile`);
    expect(hop.pathname).toMatch(/^\/interaction\//);
    const flow = await authorizeAsUser({ base: t.url, clientId, scope: `${SCOPE} profile`, agent });
    expect(flow.pages).toEqual(['consent']);
    expect((await tokens(flow)).scope.split(' ')).toContain('profile');
  });

  it('a second EHR launch in the session carries its own patient and uses up its own handle', async () => {
    const scope = 'launch openid patient/composition-*.rs';
    const first = await authorizeAsUser({
      base: t.url,
      clientId,
      scope,
      extra: { launch: await launch(EHR_A, 'pat-001') },
    });
    expect(await tokens(first)).toMatchObject({ ehrId: EHR_A, patient: 'pat-001' });

    const handle = await launch(EHR_B, 'pat-002');
    const hop = await firstHop(first.agent, scope, { launch: handle });
    expect(hop.pathname).toMatch(/^\/interaction\//);
    const second = await authorizeAsUser({
      base: t.url,
      clientId,
      scope,
      agent: first.agent,
      extra: { launch: handle },
    });
    const body = await tokens(second);
    expect(body).toMatchObject({ ehrId: EHR_B, patient: 'pat-002' });
    expect(decodeJwt(body.access_token)).toMatchObject({ ehrId: EHR_B, patient: 'pat-002' });
    // The handle was redeemed by that authorization.
    const reused = await authorizeAsUser({
      base: t.url,
      clientId,
      scope,
      agent: first.agent,
      extra: { launch: handle },
    });
    expect(reused.callback.searchParams.get('error')).toBe('invalid_request');
  });

  it('a second standalone patient launch shows the picker again', async () => {
    const scope = 'launch/patient openid patient/composition-*.rs';
    const first = await authorizeAsUser({ base: t.url, clientId, scope, pick: EHR_A });
    expect(await tokens(first)).toMatchObject({ ehrId: EHR_A });
    const second = await authorizeAsUser({
      base: t.url,
      clientId,
      scope,
      agent: first.agent,
      pick: EHR_B,
    });
    expect(second.pages).toEqual(['picker']);
    expect(await tokens(second)).toMatchObject({ ehrId: EHR_B });
    // Without interaction (prompt=none) a launch context cannot be chosen.
    const none = await firstHop(first.agent, scope, { prompt: 'none' });
    expect(none.searchParams.get('error')).toBe('interaction_required');
    expect(none.searchParams.get('code')).toBeNull();
  });

  it('after "Revoke access" on the account page the app asks for consent again', async () => {
    const { agent, first } = await signedIn();
    const page = await agent.request(`${t.url}/account/apps`);
    expect(page.status).toBe(200);
    const revoked = await agent.submit(`${t.url}/account/apps/revoke`, {
      client_id: clientId,
      csrf: formField(await page.text(), 'csrf'),
    });
    expect(revoked.status).toBe(303);
    const hop = await firstHop(agent, SCOPE);
    expect(hop.pathname).toMatch(/^\/interaction\//);
    const flow = await authorizeAsUser({ base: t.url, clientId, scope: SCOPE, agent });
    expect(flow.pages).toEqual(['consent']);
    expect(typeof (await tokens(flow)).access_token).toBe('string');
    expect(
      (
        await fetch(`${t.url}/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: first.refresh_token,
            client_id: clientId,
          }),
        })
      ).status,
    ).toBe(400);
  });

  it('a grant past half its lifetime is not reused: the consent step starts a new one', async () => {
    const { agent } = await signedIn();
    // Age every stored grant to 60 % of its lifetime.
    const ds = t.app.get(DataSource);
    const rows = await ds.query<{ id: string; payload: string }[]>(
      `SELECT id, payload FROM oidc_payload WHERE model = 'Grant'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const grant = JSON.parse(row.payload) as Json;
      const lifetime = grant.exp - grant.iat;
      grant.iat -= Math.ceil(lifetime * 0.6);
      grant.exp -= Math.ceil(lifetime * 0.6);
      const [payload, id] = ds.options.type === 'postgres' ? ['$1', '$2'] : ['?', '?'];
      await ds.query(
        `UPDATE oidc_payload SET payload = ${payload} WHERE model = 'Grant' AND id = ${id}`,
        [JSON.stringify(grant), row.id],
      );
    }
    const hop = await firstHop(agent, SCOPE);
    expect(hop.pathname).toMatch(/^\/interaction\//);
    // Remembered consent: no page, and a grant with its whole lifetime.
    const flow = await authorizeAsUser({ base: t.url, clientId, scope: SCOPE, agent });
    expect(flow.pages).toEqual([]);
    expect(typeof (await tokens(flow)).refresh_token).toBe('string');
    const again = await firstHop(agent, SCOPE);
    expect(`${again.origin}${again.pathname}`).toBe(REDIRECT_URI);
  });

  describe("the engine's session re-save (rolling expiry)", () => {
    type SessionRow = { id: string; payload: string; expires_at: string | number };
    const sessionRows = async () => {
      const rows = await t.app
        .get(DataSource)
        .query<SessionRow[]>(
          `SELECT id, payload, expires_at FROM oidc_payload WHERE model = 'Session' ORDER BY id`,
        );
      return rows.map((r) => ({
        ...r,
        uid: (JSON.parse(r.payload) as Json).uid as string,
        expires_at: Number(r.expires_at),
      }));
    };
    /** The sessions (by `uid`, which survives a new session id) whose row differs from `before`. */
    const changedSince = async (before: Awaited<ReturnType<typeof sessionRows>>) => {
      const earlier = new Map(before.map((row) => [row.uid, row]));
      return (await sessionRows()).filter((row) => {
        const was = earlier.get(row.uid);
        return !was || was.payload !== row.payload || was.expires_at !== row.expires_at;
      });
    };
    /** Moves every stored session `seconds` towards its end (payload and row). */
    const age = async (seconds: number) => {
      const ds = t.app.get(DataSource);
      const [a, b, c] = ds.options.type === 'postgres' ? ['$1', '$2', '$3'] : ['?', '?', '?'];
      for (const row of await sessionRows()) {
        const session = JSON.parse(row.payload) as Json;
        session.iat -= seconds;
        session.exp -= seconds;
        await ds.query(
          `UPDATE oidc_payload SET payload = ${a}, expires_at = ${b} WHERE model = 'Session' AND id = ${c}`,
          [JSON.stringify(session), row.expires_at - seconds * 1000, row.id],
        );
      }
    };

    it('an authorization that changes nothing in the session writes nothing to it', async () => {
      const { agent } = await signedIn();
      const before = await sessionRows();
      expect(before.length).toBeGreaterThan(0);
      for (let i = 0; i < 2; i += 1) {
        const flow = await authorizeAsUser({ base: t.url, clientId, scope: SCOPE, agent });
        expect(flow.pages).toEqual([]);
        await tokens(flow);
      }
      expect(await changedSince(before)).toEqual([]);
      expect(await sessionRows()).toEqual(before);
    });

    it('a session that lost more than a tenth of its lifetime is saved again, with a new expiry', async () => {
      const { agent } = await signedIn();
      await age(0.2 * 86_400);
      const aged = await sessionRows();
      const flow = await authorizeAsUser({ base: t.url, clientId, scope: SCOPE, agent });
      expect(flow.pages).toEqual([]);
      const renewed = await changedSince(aged);
      expect(renewed).toHaveLength(1);
      expect(renewed[0].expires_at).toBeGreaterThan(Date.now() + 0.95 * 86_400_000);
      expect((JSON.parse(renewed[0].payload) as Json).exp).toBe(
        Math.floor(renewed[0].expires_at / 1000),
      );
    });

    it('a session that changed (another app signed into it) is saved at once', async () => {
      const { agent } = await signedIn();
      const other = await saveClient(t.app, {
        client_name: 'Second app',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
        scope: 'openid user/composition-*.rs',
      });
      const before = await sessionRows();
      const flow = await authorizeAsUser({
        base: t.url,
        clientId: other,
        scope: 'openid user/composition-*.rs',
        agent,
      });
      expect(flow.pages).toEqual(['consent']);
      const changed = await changedSince(before);
      expect(changed).toHaveLength(1);
      expect(Object.keys((JSON.parse(changed[0].payload) as Json).authorizations)).toEqual(
        expect.arrayContaining([clientId, other]),
      );
    });
  });
});
