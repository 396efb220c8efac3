import { adminToken, createTestStorage, startTestApp } from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { formAction, formField, pkce, UserAgent } from '../support/user-agent.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SECOND_EHR = '0f6a1c8e-2d3b-4e5f-9a7b-1c2d3e4f5a6b';
const STYLE_URL = 'https://ehr.example.org/smart-style.json';
const APP_SCOPE =
  'launch launch/patient launch/episode openid fhirUser offline_access patient/composition-*.rs';

type Json = Record<string, any>;

async function setUp(env: Record<string, string>) {
  const storage = await createTestStorage();
  const t = await startTestApp(storage, env);
  const clientId = await saveClient(t.app, {
    client_name: 'Episode viewer',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
    scope: APP_SCOPE,
  });
  const launcher = await adminToken(t.url, 'launch:create');
  const createLaunch = (body: Json) =>
    fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${launcher}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientId, ...body }),
    });
  const discovery = async () =>
    (await (await fetch(`${t.url}/.well-known/smart-configuration`)).json()) as Json;
  return { storage, t, clientId, createLaunch, discovery };
}

const b64 = (value: Json) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unb64 = (value: string) => JSON.parse(Buffer.from(value, 'base64url').toString()) as Json;

/**
 * Options that change what a launch carries: `launch-base64-json` (decisions.md item 7),
 * `context-openehr-episode` (`SMART_EPISODE_CONTEXT`, decisions.md item 13) and `context-style`
 * (`SMART_STYLE_URL`); each advertised only when on.
 */
describe('launch options switched on: base64 JSON launch values, episodes, style', () => {
  let s: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    s = await setUp({
      SMART_LAUNCH_BASE64_JSON: 'true',
      SMART_EPISODE_CONTEXT: 'true',
      SMART_STYLE_URL: STYLE_URL,
    });
  });
  afterAll(async () => {
    await s.t.close();
    await s.storage.dispose();
  });

  it('discovery advertises launch-base64-json, context-openehr-episode, context-style and launch/episode', async () => {
    const doc = await s.discovery();
    expect(doc.capabilities).toEqual(
      expect.arrayContaining(['launch-base64-json', 'context-openehr-episode', 'context-style']),
    );
    expect(doc.scopes_supported).toContain('launch/episode');
  });

  it('launch-base64-json: the app can read ehrId, patient and episodeId; the launch works once', async () => {
    const res = await s.createLaunch({
      ehrId: PATIENT_EHR,
      patient: 'pat-001',
      episodeId: 'ep-001-a',
    });
    expect(res.status).toBe(201);
    const { launch } = (await res.json()) as { launch: string };
    const readable = unb64(launch);
    expect(readable).toMatchObject({
      ehrId: PATIENT_EHR,
      patient: 'pat-001',
      episodeId: 'ep-001-a',
    });
    expect(readable.handle).toMatch(/^[\w-]{20,100}$/);
    const flow = await authorizeAsUser({
      base: s.t.url,
      clientId: s.clientId,
      scope: 'launch launch/episode openid patient/composition-*.rs',
      extra: { launch },
    });
    const body = (await (await redeem(s.t.url, s.clientId, flow)).json()) as Json;
    expect(body).toMatchObject({
      ehrId: PATIENT_EHR,
      patient: 'pat-001',
      episodeId: 'ep-001-a',
      smart_style_url: STYLE_URL,
    });
    expect(body.scope.split(' ')).toEqual(expect.arrayContaining(['launch', 'launch/episode']));
    const again = await authorizeAsUser({
      base: s.t.url,
      clientId: s.clientId,
      scope: 'launch openid',
      extra: { launch },
    });
    expect(again.callback.searchParams.get('error_description')).toBe('launch was already used');
  });

  it('a short base64 JSON launch value (patient only) is read as JSON, not as a raw handle', async () => {
    const { launch } = (await (await s.createLaunch({ patient: 'p1' })).json()) as {
      launch: string;
    };
    expect(unb64(launch)).toMatchObject({ patient: 'p1' });
    const flow = await authorizeAsUser({
      base: s.t.url,
      clientId: s.clientId,
      scope: 'launch openid',
      extra: { launch },
    });
    expect(flow.callback.searchParams.get('error')).toBeNull();
    const body = (await (await redeem(s.t.url, s.clientId, flow)).json()) as Json;
    expect(body.patient).toBe('p1');
  });

  it('a base64 JSON launch whose JSON disagrees with what the platform stored is refused', async () => {
    const { launch } = (await (
      await s.createLaunch({ ehrId: PATIENT_EHR, patient: 'pat-001' })
    ).json()) as { launch: string };
    const original = unb64(launch);
    const tampered = [
      b64({ ...original, ehrId: SECOND_EHR }),
      b64({ ...original, patient: 'pat-002' }),
      b64({ ...original, episodeId: 'ep-002-a' }),
      b64({ handle: original.handle }),
    ];
    for (const value of tampered) {
      const res = await fetch(
        `${s.t.url}/auth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: s.clientId,
          redirect_uri: REDIRECT_URI,
          scope: 'launch openid patient/composition-*.rs',
          state: 'st',
          aud: s.t.url,
          launch: value,
          code_challenge: pkce().challenge,
          code_challenge_method: 'S256',
        }).toString()}`,
        { redirect: 'manual' },
      );
      const location = new URL(res.headers.get('location')!, s.t.url);
      expect(location.searchParams.get('code')).toBeNull();
      expect(location.searchParams.get('error_description')).toBe(
        'launch does not match what the platform stored',
      );
    }
    // The genuine value still works: the refusals did not use it up.
    const flow = await authorizeAsUser({
      base: s.t.url,
      clientId: s.clientId,
      scope: 'launch openid patient/composition-*.rs',
      extra: { launch },
    });
    const body = (await (await redeem(s.t.url, s.clientId, flow)).json()) as Json;
    expect(body.ehrId).toBe(PATIENT_EHR);
  });

  it('standalone launch/episode: the practitioner picks a patient, then one of its episodes', async () => {
    const flow = await authorizeAsUser({
      base: s.t.url,
      clientId: s.clientId,
      scope: 'launch/patient launch/episode offline_access patient/composition-*.rs',
      pick: PATIENT_EHR,
    });
    expect(flow.pages).toEqual(['login', 'picker', 'episode-picker', 'consent']);
    const body = (await (await redeem(s.t.url, s.clientId, flow)).json()) as Json;
    // The first episode was chosen (the picker's default).
    expect(body).toMatchObject({ ehrId: PATIENT_EHR, episodeId: 'ep-001-a' });
    expect(body.scope.split(' ')).toContain('launch/episode');
    const introspection = (await (
      await fetch(`${s.t.url}/auth/introspect`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await adminToken(s.t.url, 'introspect')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: body.access_token }),
      })
    ).json()) as Json;
    expect(introspection).toMatchObject({ active: true, episodeId: 'ep-001-a' });
    const refreshed = (await (
      await fetch(`${s.t.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: body.refresh_token,
          client_id: s.clientId,
        }),
      })
    ).json()) as Json;
    expect(refreshed).toMatchObject({ ehrId: PATIENT_EHR, episodeId: 'ep-001-a' });
  });

  it('an episode of another record cannot be submitted on the episode picker', async () => {
    const agent = new UserAgent();
    // Drive to the episode picker of pat-001 by hand, then submit pat-002's episode.
    const start = await agent.follow(
      `${s.t.url}/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: s.clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'launch/patient launch/episode patient/composition-*.rs',
        state: 'st',
        aud: s.t.url,
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }).toString()}`,
      s.t.url,
    );
    let html = await start.res.text();
    let action = new URL(formAction(html), s.t.url).href;
    let res = await agent.submit(action, {
      csrf: formField(html, 'csrf'),
      username: 'clinician',
      password: 'clinician',
    });
    let page = await agent.follow(new URL(res.headers.get('location')!, action).href, s.t.url);
    html = await page.res.text();
    action = new URL(formAction(html), s.t.url).href;
    res = await agent.submit(action, { csrf: formField(html, 'csrf'), ehrId: PATIENT_EHR });
    page = await agent.follow(new URL(res.headers.get('location')!, action).href, s.t.url);
    html = await page.res.text();
    expect(html).toContain('name="episodeId"');
    const refused = await agent.submit(new URL(formAction(html), s.t.url).href, {
      csrf: formField(html, 'csrf'),
      episodeId: 'ep-002-a',
    });
    expect(refused.status).toBe(403);
  });

  it('a patient user picks one of the episodes of their own record', async () => {
    const flow = await authorizeAsUser({
      base: s.t.url,
      clientId: s.clientId,
      scope: 'launch/patient launch/episode patient/composition-*.rs',
      username: 'patient',
      password: 'patient',
    });
    expect(flow.pages).toEqual(['login', 'episode-picker', 'consent']);
    const body = (await (await redeem(s.t.url, s.clientId, flow)).json()) as Json;
    expect(body).toMatchObject({ ehrId: PATIENT_EHR, episodeId: 'ep-001-a' });
    expect(body.scope.split(' ')).toContain('launch/episode');
  });

  it('a record with one episode needs no episode picker', async () => {
    const flow = await authorizeAsUser({
      base: s.t.url,
      clientId: s.clientId,
      scope: 'launch/patient launch/episode patient/composition-*.rs',
      pick: SECOND_EHR,
    });
    expect(flow.pages).not.toContain('episode-picker');
    const body = (await (await redeem(s.t.url, s.clientId, flow)).json()) as Json;
    expect(body).toMatchObject({ ehrId: SECOND_EHR, episodeId: 'ep-002-a' });
  });
});

describe('launch options off (the default): opaque launch values, no episodes, no style', () => {
  let s: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    s = await setUp({});
  });
  afterAll(async () => {
    await s.t.close();
    await s.storage.dispose();
  });

  it('discovery advertises none of the three, nor launch/episode', async () => {
    const doc = await s.discovery();
    for (const capability of ['launch-base64-json', 'context-openehr-episode', 'context-style']) {
      expect(doc.capabilities).not.toContain(capability);
    }
    expect(doc.scopes_supported).not.toContain('launch/episode');
  });

  it('launch values are opaque and the launcher cannot set an episode', async () => {
    const refused = await s.createLaunch({ ehrId: PATIENT_EHR, episodeId: 'ep-001-a' });
    expect(refused.status).toBe(400);
    const { launch } = (await (await s.createLaunch({ ehrId: PATIENT_EHR })).json()) as {
      launch: string;
    };
    expect(launch).toMatch(/^[\w-]{20,100}$/);
    expect(() => unb64(launch)).toThrow();
    // A base64 JSON wrapping of the handle is not a launch value here.
    const wrapped = await authorizeAsUser({
      base: s.t.url,
      clientId: s.clientId,
      scope: 'launch openid',
      extra: { launch: b64({ ehrId: PATIENT_EHR, handle: launch }) },
    });
    expect(wrapped.callback.searchParams.get('error_description')).toBe('launch is unknown');
  });

  it('launch/episode is not granted and no episode is picked; no smart_style_url', async () => {
    const flow = await authorizeAsUser({
      base: s.t.url,
      clientId: s.clientId,
      scope: 'launch/patient launch/episode patient/composition-*.rs',
      pick: PATIENT_EHR,
    });
    expect(flow.pages).toEqual(['login', 'picker', 'consent']);
    const body = (await (await redeem(s.t.url, s.clientId, flow)).json()) as Json;
    expect(body.ehrId).toBe(PATIENT_EHR);
    expect(body.episodeId).toBeUndefined();
    expect(body.smart_style_url).toBeUndefined();
    expect(body.scope.split(' ')).not.toContain('launch/episode');
  });
});
