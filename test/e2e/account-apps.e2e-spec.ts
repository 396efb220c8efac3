import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { formField, UserAgent } from '../support/user-agent.js';

type Json = Record<string, any>;

/**
 * `management_endpoint` (`/account/apps`): a signed-in user sees the apps they approved and revokes
 * them; the revoked grant's tokens stop working and the next authorization asks again.
 */
describe('management endpoint: the apps a user approved', () => {
  let storage: TestStorage;
  let t: TestApp;
  let diary: string;
  let tracker: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    const app = {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'launch/patient openid offline_access patient/composition-*.rs patient/aql-*.rs',
    };
    diary = await saveClient(t.app, { client_name: 'Symptom diary', ...app });
    tracker = await saveClient(t.app, { client_name: 'Step <tracker>', ...app });
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const scope = 'launch/patient offline_access patient/composition-*.rs';
  const refresh = (clientId: string, token: string) =>
    fetch(`${t.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: clientId,
      }),
    });

  it('is advertised in discovery', async () => {
    const doc = (await (await fetch(`${t.url}/.well-known/smart-configuration`)).json()) as Json;
    expect(doc.management_endpoint).toBe(`${t.url}/account/apps`);
  });

  it('without a session it asks the user to sign in, and revocation is refused', async () => {
    const res = await fetch(`${t.url}/account/apps`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const revoke = await fetch(`${t.url}/account/apps/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: diary, csrf: 'x' }),
      redirect: 'manual',
    });
    expect(revoke.status).toBe(401);
  });

  it('lists the approved apps; revoking one ends its refresh tokens and its remembered consent', async () => {
    const agent = new UserAgent();
    const base = { base: t.url, scope, username: 'patient', password: 'patient', agent };
    const diaryFlow = await authorizeAsUser({ ...base, clientId: diary });
    const diaryTokens = (await (await redeem(t.url, diary, diaryFlow)).json()) as Json;
    const trackerFlow = await authorizeAsUser({ ...base, clientId: tracker });
    const trackerTokens = (await (await redeem(t.url, tracker, trackerFlow)).json()) as Json;
    expect(diaryTokens.refresh_token && trackerTokens.refresh_token).toBeTruthy();
    // Approved once: the next authorization of the diary needs no consent page.
    const again = await authorizeAsUser({ ...base, clientId: diary });
    expect(again.pages).toEqual([]);
    const againTokens = (await (await redeem(t.url, diary, again)).json()) as Json;

    const page = await agent.request(`${t.url}/account/apps`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('<h2>Symptom diary</h2>');
    // Names are escaped.
    expect(html).toContain('<h2>Step &#60;tracker&#62;</h2>');
    expect(html).not.toContain('<tracker>');
    expect(html.match(/<button type="submit">Revoke access<\/button>/g)).toHaveLength(2);

    // A forged form (no or a wrong CSRF token) changes nothing.
    for (const csrf of [undefined, 'forged']) {
      const forged = await agent.submit(`${t.url}/account/apps/revoke`, {
        client_id: diary,
        ...(csrf ? { csrf } : {}),
      });
      expect(forged.status).toBe(403);
    }
    const stillValid = await refresh(diary, againTokens.refresh_token);
    expect(stillValid.status).toBe(200);
    const rotated = ((await stillValid.json()) as Json).refresh_token as string;

    const revoked = await agent.submit(`${t.url}/account/apps/revoke`, {
      client_id: diary,
      csrf: formField(html, 'csrf'),
    });
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('location')).toBe('/account/apps');

    // Every grant of the diary is gone, the first and the remembered one alike.
    for (const token of [diaryTokens.refresh_token, rotated]) {
      const res = await refresh(diary, token);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).error).toBe('invalid_grant');
    }
    // The other app keeps working.
    expect((await refresh(tracker, trackerTokens.refresh_token)).status).toBe(200);
    const after = await (await agent.request(`${t.url}/account/apps`)).text();
    expect(after).not.toContain('Symptom diary');
    expect(after).toContain('Step &#60;tracker&#62;');
    // The next authorization asks for consent again.
    const fresh = await authorizeAsUser({ ...base, clientId: diary });
    expect(fresh.pages).toEqual(['consent']);
  });

  it("another user's session sees only their own apps", async () => {
    const agent = new UserAgent();
    await authorizeAsUser({
      base: t.url,
      clientId: tracker,
      scope: 'openid',
      agent,
    });
    const html = await (await agent.request(`${t.url}/account/apps`)).text();
    expect(html).toContain('Step &#60;tracker&#62;');
    expect(html).not.toContain('Symptom diary');
  });
});
