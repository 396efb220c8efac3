import { decodeJwt } from 'jose';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';

type Json = Record<string, unknown>;
const SCOPE = 'openid fhirUser offline_access user/composition-*.rs';

/** An ID token with the code exchange; with a refresh only when `idTokenOnRefresh` is on. */
describe.each([
  ['off (default)', {}, false],
  ['on (SMART_ID_TOKEN_ON_REFRESH)', { SMART_ID_TOKEN_ON_REFRESH: 'true' }, true],
])('ID token on refresh: %s', (_name, env: Record<string, string>, expected: boolean) => {
  let storage: TestStorage;
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage, env);
    clientId = await saveClient(t.app, {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: SCOPE,
    });
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const refresh = async (token: string) => {
    const res = await fetch(`${t.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: clientId,
      }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };

  it('the code exchange always answers an ID token; a refresh only when configured', async () => {
    const flow = await authorizeAsUser({ base: t.url, clientId, scope: SCOPE });
    const exchanged = (await (await redeem(t.url, clientId, flow)).json()) as Json;
    expect(typeof exchanged.id_token).toBe('string');
    const first = decodeJwt(exchanged.id_token as string);

    const refreshed = await refresh(exchanged.refresh_token as string);
    expect(typeof refreshed.access_token).toBe('string');
    expect(refreshed.refresh_token).not.toBe(exchanged.refresh_token);
    expect(refreshed.scope).toBe(exchanged.scope);
    if (!expected) {
      expect('id_token' in refreshed).toBe(false);
      return;
    }
    const again = decodeJwt(refreshed.id_token as string);
    expect(again).toMatchObject({ iss: t.url, aud: clientId, sub: first.sub });
    expect(again.fhirUser).toBe(first.fhirUser);
  });
});
