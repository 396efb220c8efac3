import {
  adminToken,
  basic,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import { authorizeAsUser, REDIRECT_URI } from '../support/smart-flow.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SECRET = 'context-app-secret-0123456789';
const STYLE_URL = 'https://ehr.example.org/smart-style.json';
const CONTEXT_KEYS = [
  'patient',
  'ehrId',
  'episodeId',
  'encounter',
  'fhirContext',
  'intent',
  'need_patient_banner',
  'smart_style_url',
  'tenant',
];

type Json = Record<string, any>;

/**
 * Introspecting a refresh token says what introspecting its access token says about the launch:
 * every launch-context member of the token response (SMART: "every launch context parameter
 * returned in the token response"), and nothing at all once the token is revoked.
 * @see https://hl7.org/fhir/smart-app-launch/token-introspection.html#conditional-fields
 * @see /work/shared/docs/decisions.md item 6
 */
describe('refresh-token introspection carries the launch context', () => {
  let storage: TestStorage;
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage, {
      SMART_EPISODE_CONTEXT: 'true',
      SMART_STYLE_URL: STYLE_URL,
    });
    clientId = await saveClient(
      t.app,
      {
        client_name: 'Context viewer',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
        scope: 'launch launch/episode openid fhirUser offline_access patient/composition-*.rs',
      },
      { secret: SECRET },
    );
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const asClient = () => ({ authorization: basic(clientId, SECRET) });

  /** An EHR launch through login and consent; returns the token response. */
  const ehrLaunch = async (): Promise<Json> => {
    const launcher = await adminToken(t.url, 'launch:create');
    const created = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${launcher}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: clientId,
        ehrId: PATIENT_EHR,
        patient: 'pat-001',
        episodeId: 'ep-001-a',
        encounter: 'enc-9',
        intent: 'reconcile',
      }),
    });
    expect(created.status).toBe(201);
    const { launch } = (await created.json()) as { launch: string };
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch launch/episode openid fhirUser offline_access patient/composition-*.rs',
      extra: { launch },
    });
    const res = await postForm(
      `${t.url}/auth/token`,
      {
        grant_type: 'authorization_code',
        code: flow.callback.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: flow.verifier,
      },
      asClient(),
    );
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };

  const introspect = async (token: string, headers: Record<string, string>): Promise<Json> => {
    const res = await postForm(`${t.url}/auth/introspect`, { token }, headers);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };

  it('an active refresh token has the launch context of the token response; a revoked one is only {active: false}', async () => {
    const body = await ehrLaunch();
    expect(body.refresh_token).toEqual(expect.any(String));
    const context = Object.fromEntries(
      CONTEXT_KEYS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]),
    );
    // The launch really established a full context (so the comparison below means something).
    expect(context).toEqual({
      patient: 'pat-001',
      ehrId: PATIENT_EHR,
      episodeId: 'ep-001-a',
      encounter: 'enc-9',
      intent: 'reconcile',
      need_patient_banner: expect.any(Boolean),
      smart_style_url: STYLE_URL,
    });
    const resourceServer = { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` };
    for (const caller of [asClient(), resourceServer]) {
      const refresh = await introspect(body.refresh_token, caller);
      expect(refresh).toMatchObject({
        active: true,
        token_type: 'refresh_token',
        client_id: clientId,
        scope: body.scope,
        sub: 'clinician',
        fhirUser: 'Practitioner/clinician',
        ...context,
      });
      // What access-token introspection reports about the launch, refresh-token introspection
      // reports too, with the same values.
      const access = await introspect(body.access_token, caller);
      expect(access.active).toBe(true);
      for (const key of [...CONTEXT_KEYS, 'fhirUser'].filter((k) => access[k] !== undefined)) {
        expect(refresh[key]).toEqual(access[key]);
      }
    }
    // Once revoked, introspection says nothing but that it is inactive (RFC 7662 §2.2).
    const revoked = await postForm(
      `${t.url}/auth/revoke`,
      { token: body.refresh_token, token_type_hint: 'refresh_token' },
      asClient(),
    );
    expect(revoked.status).toBe(200);
    expect(await introspect(body.refresh_token, asClient())).toEqual({ active: false });
  });
});
