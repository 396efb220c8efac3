import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { startExternalIdp, type ExternalIdp } from '../support/external-idp.js';
import { freePort } from '../support/free-port.js';

const AUDIENCE = 'smart-admin-api';
const ROLE = 'smart-admin';

/**
 * Administrators from the identity server (`SMART_IDP_ADMIN_AUDIENCE`, `SMART_IDP_ADMIN_ROLE`):
 * the admin API accepts Keycloak-shaped access tokens the identity server signed, for users
 * holding the role (realm or configured client role), beside this server's admin client tokens.
 */
describe('admin API with access tokens of the identity server', () => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startExternalIdp({
      redirectUri: `http://127.0.0.1:${port}/interaction/callback/idp`,
      users: [],
    });
    storage = await createTestStorage();
    t = await startTestApp(storage, {
      PORT: String(port),
      SMART_IDP_ISSUER: idp.issuer,
      SMART_IDP_CLIENT_ID: idp.clientId,
      SMART_IDP_CLIENT_SECRET: idp.clientSecret,
      SMART_IDP_ROLES_CLIENT: 'smart-platform',
      SMART_IDP_ADMIN_AUDIENCE: AUDIENCE,
      SMART_IDP_ADMIN_ROLE: ROLE,
    });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    await idp?.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  /** A Keycloak-shaped access token (realm_access, resource_access, azp, typ at+jwt-like). */
  const keycloakToken = (claims: JWTPayload = {}) =>
    idp.sign(
      {
        iss: idp.issuer,
        aud: [AUDIENCE, 'account'],
        sub: 'kc-admin-1',
        azp: 'admin-console',
        iat: now(),
        exp: now() + 300,
        typ: 'Bearer',
        realm_access: { roles: ['offline_access', ROLE] },
        resource_access: { account: { roles: ['manage-account'] } },
        ...claims,
      },
      { typ: 'JWT' },
    );
  const listClients = (token: string) =>
    fetch(`${t.url}/admin/clients`, { headers: { authorization: `Bearer ${token}` } });

  it('a user holding the role (realm role) gets 200 on /admin/clients', async () => {
    expect((await listClients(await keycloakToken())).status).toBe(200);
  });

  it('an ID token of the identity server is no access token: 401, even with the audience and role', async () => {
    const idToken = await keycloakToken({ typ: 'ID', nonce: 'n-1', aud: AUDIENCE });
    expect((await listClients(idToken)).status).toBe(401);
    const untyped = await keycloakToken({ typ: undefined });
    expect((await listClients(untyped)).status).toBe(401);
    const rfc9068 = await idp.sign(
      {
        iss: idp.issuer,
        aud: AUDIENCE,
        sub: 'kc-admin-2',
        iat: now(),
        exp: now() + 300,
        realm_access: { roles: [ROLE] },
      },
      { typ: 'at+jwt' },
    );
    expect((await listClients(rfc9068)).status).toBe(200);
  });

  it('a user holding the role as a client role of the configured client gets 200', async () => {
    const token = await keycloakToken({
      realm_access: { roles: [] },
      resource_access: { 'smart-platform': { roles: [ROLE] } },
    });
    expect((await listClients(token)).status).toBe(200);
  });

  it('changes are audited with the identity server user as the actor', async () => {
    const token = await keycloakToken({ sub: 'kc-admin-audit' });
    const created = await fetch(`${t.url}/admin/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'From Keycloak admin',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['https://app.example.org/cb'],
        scope: 'openid',
      }),
    });
    expect(created.status).toBe(201);
    const audit = (await (await listAudit(token)).json()) as { items?: unknown[] } | unknown[];
    expect(JSON.stringify(audit)).toContain('idp:kc-admin-audit');
  });
  const listAudit = (token: string) =>
    fetch(`${t.url}/admin/audit`, { headers: { authorization: `Bearer ${token}` } });

  it('without the role: 403 insufficient_scope', async () => {
    const res = await listClients(await keycloakToken({ realm_access: { roles: ['user'] } }));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('insufficient_scope');
  });

  it('a role of another client does not count: 403', async () => {
    const token = await keycloakToken({
      realm_access: { roles: [] },
      resource_access: { ward: { roles: [ROLE] } },
    });
    expect((await listClients(token)).status).toBe(403);
  });

  it.each<[string, () => Promise<string>]>([
    ['the wrong audience', () => keycloakToken({ aud: 'account' })],
    ['the wrong issuer', () => keycloakToken({ iss: 'https://other.example/realms/ehr' })],
    ['an expired token', () => keycloakToken({ iat: now() - 600, exp: now() - 300 })],
    [
      'a signature by another key',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({
          iss: idp.issuer,
          aud: AUDIENCE,
          sub: 'kc-admin-1',
          exp: now() + 300,
          realm_access: { roles: [ROLE] },
        })
          .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
          .sign(privateKey);
      },
    ],
  ])('%s: 401 invalid_token', async (_name, make) => {
    const res = await listClients(await make());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it("the admin client's own tokens still work", async () => {
    expect((await listClients(await adminToken(t.url))).status).toBe(200);
  });
});
