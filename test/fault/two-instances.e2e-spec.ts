import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { makeAdminApi } from '../factories/admin-api.factory.js';
import { makeAsymmetricClient, makeSymmetricClient } from '../factories/client.factory.js';
import { adminToken, basic } from '../support/app.harness.js';
import { postForm } from '../support/clients.js';
import { freePort } from '../support/free-port.js';
import { makeKeyClient, tokenWithAssertion } from '../support/private-key-client.js';
import { authorizeAsUser, REDIRECT_URI } from '../support/smart-flow.js';
import { createPostgresDatabase, postgresForTests } from '../support/test-database.js';
import { UserAgent } from '../support/user-agent.js';
import { ensureBuilt, startChild, type ChildInstance } from './fault.support.js';

const SCOPE = 'system/composition-*.rs';
const USER_SCOPE = 'launch/patient offline_access patient/composition-*.rs';
const LOAD_MS = 2500;
const AFTER_KILL_MS = 1500;

/** Status of a request, 0 when it got no answer (its instance died). */
const statusOf = (p: Promise<Response>) =>
  p.then(
    async (r) => ({
      status: r.status,
      body: (await r.json().catch(() => ({}))) as Record<string, any>,
    }),
    () => ({ status: 0, body: {} as Record<string, any> }),
  );

/**
 * A browser behind the deployment's load balancer, pinned to one instance: requests for the
 * public URL reach `instance`, with the public host in `X-Forwarded-Host` (the proxy is trusted).
 */
class PinnedAgent extends UserAgent {
  constructor(
    private readonly publicUrl: string,
    private readonly instance: string,
  ) {
    super();
  }

  override request(url: string, init: RequestInit = {}): Promise<Response> {
    if (!url.startsWith(this.publicUrl)) return super.request(url, init);
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-host', new URL(this.publicUrl).host);
    const target = `${this.instance}${url.slice(this.publicUrl.length)}`;
    return super.request(target, { ...init, headers });
  }
}

/**
 * B.1 #49-#50 and B.3: two instances (separate processes) on one PostgreSQL serve a mixed load;
 * one is SIGKILLed mid-load. Nothing answered 200 is lost, codes and assertions stay single-use
 * across instances, and after both restart every refresh token still works. Runs on PostgreSQL in
 * both test passes (the SQLite pass uses the machine's shared server).
 */
describe('two instances on one PostgreSQL, one killed mid-load', () => {
  let db: { url: string; drop: () => Promise<void> };
  let issuer: string;
  const ports: number[] = [];
  const instances: ChildInstance[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    await ensureBuilt();
    db = await createPostgresDatabase(postgresForTests());
    ports.push(await freePort(), await freePort());
    issuer = `http://127.0.0.1:${ports[0]}`;
    env = {
      DATABASE_URL: db.url,
      SMART_PUBLIC_URL: issuer,
      // Browsers reach both through the "load balancer" (PinnedAgent); API calls reach the
      // second instance on its own port, which is therefore listed.
      SMART_TRUST_PROXY: 'true',
      SMART_ALLOWED_HOSTS: `127.0.0.1:${ports[1]}`,
      // Losing halves of the single-use races are failed authentications by design.
      SMART_RATE_LIMIT_FAILED_AUTH_PER_IP: '0',
    };
    instances.push(await startChild(ports[0], env));
    instances.push(await startChild(ports[1], env));
  }, 90_000);
  afterAll(async () => {
    for (const i of instances) await i.kill();
    await db?.drop();
  }, 30_000);

  it('nothing answered 200 is lost, single use holds, refresh tokens survive restarts', async () => {
    const [a, b] = instances;
    const api = makeAdminApi(a.url, await adminToken(a.url));
    const backend = (await api.post('/admin/clients', makeSymmetricClient())).body;
    const key = await makeKeyClient('ES384');
    const asym = (await api.post('/admin/clients', makeAsymmetricClient({ keys: [key.publicJwk] })))
      .body;
    const app = (
      await api.post('/admin/clients', {
        client_name: 'Fault test app',
        token_endpoint_auth_method: 'none',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: USER_SCOPE,
      })
    ).body;
    const signAssertion = (aud: string) =>
      new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES384', kid: key.publicJwk.kid })
        .setIssuer(asym.client_id)
        .setSubject(asym.client_id)
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(key.privateKey);

    let bAlive = true;
    let stop = false;
    const accessTokens: string[] = [];
    const refreshTokens: string[] = [];
    const pairs: { kind: string; statuses: number[] }[] = [];
    const pick = () => (bAlive && Math.random() < 0.5 ? b : a);

    const clientCredentials = async () => {
      while (!stop) {
        const r = await statusOf(
          postForm(
            `${pick().url}/auth/token`,
            { grant_type: 'client_credentials', scope: SCOPE },
            { authorization: basic(backend.client_id, backend.client_secret) },
          ),
        );
        if (r.status === 200) accessTokens.push(r.body.access_token);
      }
    };
    const assertionPairs = async () => {
      while (!stop) {
        const assertion = await signAssertion(issuer);
        const both = await Promise.all(
          [a, b].map((i) => statusOf(tokenWithAssertion(`${i.url}/auth/token`, assertion))),
        );
        pairs.push({ kind: 'assertion', statuses: both.map((r) => r.status) });
        for (const r of both) if (r.status === 200) accessTokens.push(r.body.access_token);
      }
    };
    const userFlow = async () => {
      const flow = await authorizeAsUser({
        base: issuer,
        agent: new PinnedAgent(issuer, pick().url),
        clientId: app.client_id,
        scope: USER_SCOPE,
        username: 'patient',
        password: 'patient',
        extra: { aud: issuer },
      }).catch(() => undefined);
      const code = flow?.callback.searchParams.get('code');
      return flow && code ? { code, verifier: flow.verifier } : undefined;
    };
    const redeem = (at: ChildInstance, code: string, verifier: string) =>
      statusOf(
        postForm(`${at.url}/auth/token`, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          client_id: app.client_id,
          code_verifier: verifier,
        }),
      );
    /** Codes redeemed once, at either instance: their tokens must all survive. */
    const codeFlows = async () => {
      while (!stop) {
        const flow = await userFlow();
        if (!flow) continue;
        const r = await redeem(pick(), flow.code, flow.verifier);
        if (r.status === 200) {
          accessTokens.push(r.body.access_token);
          refreshTokens.push(r.body.refresh_token);
        }
      }
    };
    /** Codes redeemed at both instances at once: one wins (and, being replayed, is revoked). */
    const codePairs = async () => {
      while (!stop) {
        const flow = await userFlow();
        if (!flow) continue;
        const both = await Promise.all([a, b].map((i) => redeem(i, flow.code, flow.verifier)));
        pairs.push({ kind: 'code', statuses: both.map((r) => r.status) });
      }
    };

    const load = Promise.all([
      clientCredentials(),
      clientCredentials(),
      assertionPairs(),
      codeFlows(),
      codeFlows(),
      codePairs(),
    ]);
    await new Promise((r) => setTimeout(r, LOAD_MS));
    bAlive = false;
    await b.kill();
    await new Promise((r) => setTimeout(r, AFTER_KILL_MS));
    stop = true;
    await load;

    // Enough load went through, on both instances, for the checks to mean something.
    expect(accessTokens.length).toBeGreaterThan(30);
    expect(refreshTokens.length).toBeGreaterThan(4);
    expect(pairs.filter((p) => p.kind === 'code').length).toBeGreaterThan(4);
    expect(pairs.filter((p) => p.kind === 'assertion').length).toBeGreaterThan(4);

    // Single use across instances: never two successes; exactly one when both answered.
    for (const pair of pairs) {
      const ok = pair.statuses.filter((s) => s === 200).length;
      expect({ ...pair, ok: ok <= 1 }).toEqual({ ...pair, ok: true });
      if (!pair.statuses.includes(0)) expect({ ...pair, ok }).toEqual({ ...pair, ok: 1 });
    }

    // Every access token answered 200 is still active (verified and not revoked) at A.
    const bearer = { authorization: `Bearer ${await adminToken(a.url, 'introspect')}` };
    const inactive: string[] = [];
    for (const token of accessTokens) {
      const res = await postForm(`${a.url}/auth/introspect`, { token }, bearer);
      if (((await res.json()) as { active: boolean }).active !== true) inactive.push(token);
    }
    expect(inactive).toEqual([]);

    // Every refresh token answered 200 works at A (those issued by B too).
    const rotated: string[] = [];
    for (const rt of refreshTokens) {
      const r = await statusOf(
        postForm(`${a.url}/auth/token`, {
          grant_type: 'refresh_token',
          refresh_token: rt,
          client_id: app.client_id,
        }),
      );
      expect(r.status).toBe(200);
      rotated.push(r.body.refresh_token);
    }

    // Both instances killed and restarted: every refresh token still works.
    await a.kill();
    instances.splice(0, 2, await startChild(ports[0], env), await startChild(ports[1], env));
    for (const [i, rt] of rotated.entries()) {
      const r = await statusOf(
        postForm(`${instances[i % 2].url}/auth/token`, {
          grant_type: 'refresh_token',
          refresh_token: rt,
          client_id: app.client_id,
        }),
      );
      expect(r.status).toBe(200);
    }
  }, 90_000);
});
