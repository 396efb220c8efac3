import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SMART_AUTH_MIGRATIONS } from '@smart-openehr/auth-server';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { formField, UserAgent } from '../support/user-agent.js';

type Json = Record<string, any>;

const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');

/**
 * Upgrading from the version that kept one `UserGrants` list per user and app (and nothing for
 * trusted apps): the migration carries those grants, and every grant that still has a refresh
 * token, over to the account page's rows; the page then lists and revokes them.
 */
describe('account page rows after the upgrade migration', () => {
  let storage: TestStorage;
  let t: TestApp;
  let ds: DataSource;
  let $: (i: number) => string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    ds = t.app.get(DataSource);
    $ = (i) => (ds.options.type === 'postgres' ? `$${i}` : '?');
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const migration = () => {
    const Migration = SMART_AUTH_MIGRATIONS.find((m) => m.name === 'AccountAppGrants1764500000000');
    if (!Migration) throw new Error('migration not registered');
    return new Migration();
  };
  const count = async (model: string) => {
    const sql = `SELECT COUNT(*) AS n FROM oidc_payload WHERE model = ${$(1)}`;
    return Number((await ds.query<{ n: string | number }[]>(sql, [model]))[0].n);
  };

  it('lists and revokes grants recorded by the previous version, trusted apps included', async () => {
    const app = {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'launch/patient offline_access patient/composition-*.rs',
    };
    const diary = await saveClient(t.app, { client_name: 'Symptom diary', ...app });
    const portal = await saveClient(
      t.app,
      { client_name: 'Clinic portal', ...app },
      { trusted: true },
    );
    const flows = new UserAgent();
    const tokens: Record<string, Json> = {};
    for (const clientId of [diary, portal]) {
      const flow = await authorizeAsUser({
        base: t.url,
        clientId,
        scope: app.scope,
        username: 'patient',
        password: 'patient',
        agent: flows,
      });
      tokens[clientId] = (await (await redeem(t.url, clientId, flow)).json()) as Json;
    }
    // The previous version's data: no account-page rows; the diary's grant in a UserGrants list.
    const refreshRows = await ds.query<{ grant_id: string; payload: string }[]>(
      `SELECT grant_id, payload FROM oidc_payload WHERE model = 'RefreshToken'`,
    );
    const diaryGrant = refreshRows.find(
      (r) => (JSON.parse(r.payload) as Json).clientId === diary,
    )!.grant_id;
    await ds.query(`DELETE FROM oidc_payload WHERE model IN ('AccountAppGrant', 'AccountAppUse')`);
    await ds.query(
      `INSERT INTO oidc_payload (model, id, payload, expires_at) VALUES ('UserGrants', ${$(1)}, ${$(2)}, ${$(3)})`,
      [
        hashId(`patient\u0000${diary}`),
        JSON.stringify({ grantIds: [diaryGrant] }),
        Date.now() + 3_600_000,
      ],
    );

    const runner = ds.createQueryRunner();
    try {
      await migration().up(runner);
      expect(await count('UserGrants')).toBe(0);
      expect(await count('AccountAppGrant')).toBe(2);
      // Reversible: back to the lists, and forward again.
      await migration().down(runner);
      expect(await count('UserGrants')).toBe(2);
      expect(await count('AccountAppGrant')).toBe(0);
      await migration().up(runner);
      expect(await count('AccountAppGrant')).toBe(2);
    } finally {
      await runner.release();
    }

    const agent = new UserAgent();
    const offered = await (await agent.follow(`${t.url}/account/apps`, t.url)).res.text();
    await agent.submit(`${t.url}/account/apps/login`, {
      csrf: formField(offered, 'csrf'),
      username: 'patient',
      password: 'patient',
    });
    const html = await (await agent.request(`${t.url}/account/apps`)).text();
    expect(html).toContain('>Symptom diary</h2>');
    expect(html).toContain('>Clinic portal</h2>');
    for (const clientId of [diary, portal]) {
      const res = await agent.submit(`${t.url}/account/apps/revoke`, {
        client_id: clientId,
        csrf: formField(html, 'csrf'),
      });
      expect(res.status).toBe(303);
      const refreshed = await postForm(`${t.url}/auth/token`, {
        grant_type: 'refresh_token',
        refresh_token: tokens[clientId].refresh_token,
        client_id: clientId,
      });
      expect(((await refreshed.json()) as Json).error).toBe('invalid_grant');
    }
  });
});
