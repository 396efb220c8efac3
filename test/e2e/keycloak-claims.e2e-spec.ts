import {
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
import { UserAgent } from '../support/user-agent.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SCOPES =
  'launch/patient openid fhirUser profile patient/composition-*.rs user/composition-*.rs';

type Json = Record<string, any>;
const claimsOf = (jwt: unknown): Json =>
  JSON.parse(Buffer.from(String(jwt).split('.')[1], 'base64url').toString()) as Json;

/** Keycloak's claim names, as the README's walk-through configures them. */
const KEYCLOAK_ENV = {
  SMART_IDP_CLAIM_FHIR_USER: 'fhir_user',
  SMART_IDP_CLAIM_EHR_ID: 'ehr_id',
  SMART_IDP_CLAIM_PATIENT: 'patient_id',
  SMART_IDP_ROLES_CLIENT: 'smart-platform',
};
const KEYCLOAK_ATTRIBUTES = ['fhir_user', 'ehr_id', 'patient_id'];

const USERS = [
  keycloakClaims({
    sub: 'kc-patient',
    username: 'pat',
    realmRoles: ['patient', 'offline_access', 'default-roles-ehr'],
    attributes: { ehr_id: PATIENT_EHR, patient_id: 'pat-001', fhir_user: 'Patient/pat-001' },
  }),
  keycloakClaims({
    sub: 'kc-doctor',
    username: 'doc',
    clientRoles: { 'smart-platform': ['practitioner'], account: ['manage-account'] },
    attributes: { fhir_user: 'Practitioner/doc-1' },
  }),
  // A role of another client grants nothing here.
  keycloakClaims({ sub: 'kc-other', username: 'other', clientRoles: { ward: ['practitioner'] } }),
  // Wrong types: the EHR id is a number, the client roles a string.
  keycloakClaims({
    sub: 'kc-wrong',
    username: 'wrong',
    realmRoles: ['patient'],
    attributes: { ehr_id: 42, resource_access: { 'smart-platform': { roles: 'practitioner' } } },
  }),
  // A patient without an EHR attribute.
  keycloakClaims({ sub: 'kc-no-ehr', username: 'noehr', realmRoles: ['patient'] }),
].map((claims) => ({ username: String(claims.preferred_username), password: 'pw', claims }));

async function start(profileClaimsIn: 'id_token' | 'userinfo', env: Record<string, string>) {
  const port = await freePort();
  const idp = await startExternalIdp({
    redirectUri: `http://127.0.0.1:${port}/interaction/callback/idp`,
    users: USERS,
    extraClaims: KEYCLOAK_ATTRIBUTES,
    profileClaimsIn,
  });
  const storage = await createTestStorage();
  const t = await startTestApp(storage, {
    PORT: String(port),
    SMART_IDP_ISSUER: idp.issuer,
    SMART_IDP_CLIENT_ID: idp.clientId,
    SMART_IDP_CLIENT_SECRET: idp.clientSecret,
    ...KEYCLOAK_ENV,
    ...env,
  });
  const clientId = await saveClient(t.app, {
    client_name: 'Portal app',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
    scope: SCOPES,
  });
  return { idp, storage, t, clientId };
}

/**
 * Keycloak as the identity server, at the HTTP level: a second OpenID provider issues
 * Keycloak-shaped ID tokens (realm_access, resource_access, user attributes); the configured
 * claim mapping (`SMART_IDP_CLAIM_*`, `SMART_IDP_ROLES_*`) decides the account, its roles (so the
 * scopes granted) and the patient's EHR (so the launch context).
 */
describe.each([
  ['ID token', 'id_token', {}],
  ['userinfo (SMART_IDP_USERINFO)', 'userinfo', { SMART_IDP_USERINFO: 'true' }],
] as const)('Keycloak claim mapping from the %s', (_name, claimsIn, env) => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;
  let clientId: string;

  beforeAll(async () => {
    ({ idp, storage, t, clientId } = await start(claimsIn, env));
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    await idp?.close();
  });

  /** Signs in as `username` asking `scope`; the token response and the pages seen. */
  const tokensFor = async (username: string, scope: string) => {
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
    const res = await redeem(t.url, clientId, { ...flow, verifier });
    expect(res.status).toBe(200);
    return { body: (await res.json()) as Json, pages: flow.pages };
  };

  it('a patient (realm role, EHR attribute) gets patient scopes and their own EHR in context', async () => {
    const scope = 'launch/patient openid fhirUser profile patient/composition-*.rs';
    const { body, pages } = await tokensFor('pat', scope);
    expect(pages).toEqual(['consent']);
    expect(body).toMatchObject({ ehrId: PATIENT_EHR, patient: 'pat-001' });
    expect(body.scope.split(' ')).toContain('patient/composition-*.rs');
    expect(claimsOf(body.id_token)).toMatchObject({
      sub: 'kc-patient',
      fhirUser: 'Patient/pat-001',
      name: 'pat',
    });
    expect(claimsOf(body.access_token)).toMatchObject({ ehrId: PATIENT_EHR });
  });

  it('a practitioner (client role of the configured client) gets user scopes', async () => {
    const { body } = await tokensFor('doc', 'openid fhirUser profile user/composition-*.rs');
    expect(body.scope.split(' ')).toContain('user/composition-*.rs');
    expect(claimsOf(body.id_token)).toMatchObject({ fhirUser: 'Practitioner/doc-1' });
  });

  it('a role of another client grants no resource scope', async () => {
    const { body } = await tokensFor('other', 'openid profile user/composition-*.rs');
    expect(body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
  });

  it('claims of the wrong type are left out: no EHR, no client role, so no resource scope', async () => {
    const { body } = await tokensFor(
      'wrong',
      'openid profile patient/composition-*.rs user/composition-*.rs',
    );
    expect(body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
    expect(body.ehrId).toBeUndefined();
  });

  it('a patient without the EHR attribute gets no patient scope (fail closed)', async () => {
    const { body } = await tokensFor('noehr', 'openid profile patient/composition-*.rs');
    expect(body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
    expect(body.ehrId).toBeUndefined();
  });
});

describe('Keycloak claims only in userinfo, SMART_IDP_USERINFO unset', () => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;
  let clientId: string;

  beforeAll(async () => {
    ({ idp, storage, t, clientId } = await start('userinfo', {}));
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    await idp?.close();
  });

  it('the ID token alone names no role: no resource scope', async () => {
    const agent = new UserAgent();
    const scope = 'openid profile patient/composition-*.rs';
    const { url, verifier } = await signInThroughIdp({
      base: t.url,
      idp,
      clientId,
      agent,
      scope,
      username: 'pat',
      password: 'pw',
    });
    const flow = await authorizeAsUser({ base: t.url, clientId, scope, agent, startUrl: url });
    const body = (await (await redeem(t.url, clientId, { ...flow, verifier })).json()) as Json;
    expect(body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
  });
});
