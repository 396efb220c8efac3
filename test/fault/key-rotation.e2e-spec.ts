import { AccessTokenVerifier } from '../../libs/auth-server/src/provider/access-token.verifier.js';
import { ProviderHost } from '../../libs/auth-server/src/provider/provider-host.service.js';
import { SigningKeysService } from '../../libs/auth-server/src/keys/signing-keys.service.js';
import {
  adminToken,
  basic,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';

const SCOPE = 'system/composition-*.rs';
const SECRET = 'rotation-secret-0123456789abcdef';
const kidOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * B.1 #51 and B.3 key rotation, under load on two instances sharing PostgreSQL: the new key is
 * published before it signs, every request keeps succeeding, tokens signed with the old key stay
 * valid on both instances until they expire, and new tokens carry the new kid.
 */
describe('key rotation under load, two instances', () => {
  let storage: TestStorage;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage({ postgres: true });
    a = await startTestApp(storage);
    // Reached on its own port, as behind a load balancer: its host is listed.
    b = await startTestApp(storage, { SMART_PUBLIC_URL: a.url, SMART_ALLOWED_HOSTS: '127.0.0.1' });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await storage.dispose();
  });

  it('no request fails, old tokens stay valid, new tokens use the new key', async () => {
    const clientId = await saveClient(
      a.app,
      {
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        scope: SCOPE,
      },
      { secret: SECRET },
    );
    const before = await adminToken(a.url);
    const oldKid = kidOf(before);
    const issued: string[] = [];
    const failures: number[] = [];
    let stop = false;
    const worker = async (t: TestApp) => {
      while (!stop) {
        const res = await postForm(
          `${t.url}/auth/token`,
          { grant_type: 'client_credentials', scope: SCOPE },
          { authorization: basic(clientId, SECRET) },
        );
        if (res.status === 200)
          issued.push(((await res.json()) as { access_token: string }).access_token);
        else failures.push(res.status);
      }
    };
    const load = Promise.all([worker(a), worker(b), worker(a), worker(b)]);

    await sleep(300);
    const publishDelayMs = 1000;
    const newKids = await a.app.get(SigningKeysService).rotate(publishDelayMs);
    // Every instance re-reads the keys (normally on its refresh interval).
    await Promise.all([a, b].map((t) => t.app.get(ProviderHost).refreshKeys()));
    const published = (
      (await (await fetch(`${b.url}/auth/jwks`)).json()) as { keys: { kid: string }[] }
    ).keys.map((k) => k.kid);
    const signingKids = newKids.filter((k) => !k.startsWith('cookie'));
    expect(signingKids.length).toBeGreaterThan(0);
    expect(published).toEqual(expect.arrayContaining([oldKid, ...signingKids]));
    const duringKid = kidOf(await adminToken(b.url));
    expect(duringKid).toBe(oldKid);

    await sleep(publishDelayMs + 100);
    await Promise.all([a, b].map((t) => t.app.get(ProviderHost).refreshKeys()));
    await sleep(300);
    stop = true;
    await load;

    expect(failures).toEqual([]);
    const kids = new Set(issued.map(kidOf));
    expect(kids.has(oldKid)).toBe(true);
    const newKid = kidOf(await adminToken(b.url));
    expect(newKids).toContain(newKid);
    expect(kids.has(newKid)).toBe(true);

    // Old and new tokens verify on both instances, and introspect as active.
    const bearer = { authorization: `Bearer ${await adminToken(a.url, 'introspect')}` };
    for (const token of [before, issued[0], issued[issued.length - 1]]) {
      for (const t of [a, b]) {
        expect(await t.app.get(AccessTokenVerifier).verify(token)).toBeDefined();
        const res = await postForm(`${t.url}/auth/introspect`, { token }, bearer);
        expect(await res.json()).toMatchObject({ active: true });
      }
    }
  }, 60_000);
});
