import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';

const STYLE_URL = 'https://ehr.example.org/styles/v3.json';

/**
 * Every capability discovery advertises is covered by an e2e test (decisions.md item 8): the test
 * that proves it, by file and title. A capability without an entry, or an entry whose test is
 * gone, fails here.
 */
const COVERED_BY: Record<string, [file: string, title: string]> = {
  'launch-ehr': ['test/browser/launch.e2e-spec.ts', 'EHR launch embedded in the launcher page'],
  'launch-standalone': [
    'test/browser/launch.e2e-spec.ts',
    'standalone launch as a practitioner: keyboard login, patient picker, consent',
  ],
  'authorize-post': [
    'test/e2e/authorize-requests.e2e-spec.ts',
    'authorize-post: a form POST runs the same flow',
  ],
  'client-public': [
    'test/e2e/oidc-apps.e2e-spec.ts',
    'client-public: openid-client runs discovery, the launch, the code exchange',
  ],
  'client-confidential-symmetric': [
    'test/e2e/oidc-apps.e2e-spec.ts',
    'client-confidential-symmetric: the code flow with client_secret_basic',
  ],
  'client-confidential-asymmetric': [
    'test/e2e/oidc-apps.e2e-spec.ts',
    'client-confidential-asymmetric: the code flow with private_key_jwt',
  ],
  'sso-openid-connect': [
    'test/e2e/oidc-apps.e2e-spec.ts',
    'sso-openid-connect: openid fhirUser profile → an RS256 id_token with fhirUser',
  ],
  'context-banner': [
    'test/e2e/user-flows.e2e-spec.ts',
    'standalone launch as a practitioner: login, picker, consent, token with ehrId and patient',
  ],
  'context-style': [
    'test/e2e/launch-capabilities.e2e-spec.ts',
    'context-style: the token response carries smart_style_url',
  ],
  'context-ehr-patient': [
    'test/e2e/user-flows.e2e-spec.ts',
    'EHR launch with a launch handle: context from the launcher, single use',
  ],
  'context-ehr-encounter': [
    'test/browser/launch.e2e-spec.ts',
    'EHR launch embedded in the launcher page: the framed pages load, the launch handle sets the context',
  ],
  'context-standalone-patient': [
    'test/browser/launch.e2e-spec.ts',
    'standalone launch as a practitioner: keyboard login, patient picker, consent',
  ],
  'permission-offline': [
    'test/e2e/user-flows.e2e-spec.ts',
    'offline_access yields a refresh token (without prompt=consent) that keeps the context',
  ],
  'permission-online': [
    'test/e2e/oidc-apps.e2e-spec.ts',
    'an online_access refresh token stops working when the user signs out',
  ],
  'permission-patient': [
    'test/e2e/user-flows.e2e-spec.ts',
    'standalone launch as a patient: no picker, their own EHR',
  ],
  'permission-user': [
    'test/e2e/user-flows.e2e-spec.ts',
    'standalone launch as a practitioner: login, picker, consent, token with ehrId and patient',
  ],
  'permission-v1': [
    'test/e2e/launch-capabilities.e2e-spec.ts',
    'permission-v1: v1 scopes are granted and echoed as asked',
  ],
  'permission-v2': [
    'test/e2e/launch-handles.e2e-spec.ts',
    'a launch with a FHIR patient but no EHR: patient/ openEHR scopes are not granted',
  ],
  'context-openehr-ehr': [
    'test/e2e/user-flows.e2e-spec.ts',
    'standalone launch as a practitioner: login, picker, consent, token with ehrId and patient',
  ],
  'openehr-permission-v1': [
    'test/e2e/platform-gateway.e2e-spec.ts',
    "a patient's token reaches their own EHR only",
  ],
  'launch-base64-json': [
    'test/e2e/launch-options.e2e-spec.ts',
    'launch-base64-json: the app can read ehrId, patient and episodeId; the launch works once',
  ],
  'context-openehr-episode': [
    'test/e2e/launch-options.e2e-spec.ts',
    'standalone launch/episode: the practitioner picks a patient, then one of its episodes',
  ],
};

describe('capabilities: each advertised one is covered by a test', () => {
  let storage: TestStorage;
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    // Every optional capability switched on.
    t = await startTestApp(storage, {
      SMART_STYLE_URL: STYLE_URL,
      SMART_LAUNCH_BASE64_JSON: 'true',
      SMART_EPISODE_CONTEXT: 'true',
    });
    clientId = await saveClient(t.app, {
      client_name: 'Observations',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope:
        'launch/patient openid patient/Observation.rs patient/*.rs user/Observation.rs patient/composition-*.rs',
    });
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const capabilities = async () =>
    (
      (await (await fetch(`${t.url}/.well-known/smart-configuration`)).json()) as {
        capabilities: string[];
      }
    ).capabilities;

  it('every capability advertised with all options on has a covering test, and no more', async () => {
    const advertised = await capabilities();
    expect([...advertised].sort()).toEqual(Object.keys(COVERED_BY).sort());
  });

  it.each(Object.entries(COVERED_BY))(
    '%s → the covering test exists',
    (_capability, [file, title]) => {
      const source = readFileSync(join(process.cwd(), file), 'utf8');
      expect(source).toContain(title);
    },
  );

  it('permission-v1: v1 scopes are granted and echoed as asked', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch/patient patient/Observation.read patient/*.read patient/composition-*.read',
      username: 'patient',
      password: 'patient',
    });
    const body = (await (await redeem(t.url, clientId, flow)).json()) as Record<string, string>;
    expect(body.scope.split(' ').sort()).toEqual(
      [
        'launch/patient',
        'patient/*.read',
        'patient/Observation.read',
        'patient/composition-*.read',
      ].sort(),
    );
    // A v1 request beyond the registration (write) is narrowed, never widened.
    const write = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch/patient patient/Observation.write',
      username: 'patient',
      password: 'patient',
    });
    const narrowed = (await (await redeem(t.url, clientId, write)).json()) as Record<
      string,
      string
    >;
    expect(narrowed.scope.split(' ')).not.toContain('patient/Observation.write');
  });

  it('context-style: the token response carries smart_style_url', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: 'launch/patient openid patient/composition-*.rs',
      username: 'patient',
      password: 'patient',
    });
    const body = (await (await redeem(t.url, clientId, flow)).json()) as Record<string, unknown>;
    expect(body.smart_style_url).toBe(STYLE_URL);
    expect(body.need_patient_banner).toBe(true);
  });
});
