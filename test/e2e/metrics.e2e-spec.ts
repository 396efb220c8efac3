import {
  adminToken,
  basic,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { makeAdminApi, secretToken } from '../factories/admin-api.factory.js';
import { makeSymmetricClient } from '../factories/client.factory.js';
import { postForm, saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { freePort } from '../support/free-port.js';
import { startFakeCdr, type FakeCdr } from '../resource-server/fake-cdr.js';
import { QUERY_OPERATIONS } from '../../libs/auth-server/src/metrics/metric-label.types.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SECRET = 'metrics-client-secret-0123456789';

/** One sample of the text exposition: metric name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = l[2];
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { types, samples };
}

/**
 * Prometheus metrics (issue 17 item 1): off by default, served at `/admin/metrics` behind the
 * admin API's bearer tokens, names, types and bounded labels after a scripted run.
 */
describe('metrics: /admin/metrics after a scripted run', () => {
  let storage: TestStorage;
  let cdr: FakeCdr;
  let t: TestApp;
  let backendClient: string;
  let appClient: string;
  let admin: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    cdr = await startFakeCdr();
    t = await startTestApp(storage, {
      SMART_METRICS_ENABLED: 'true',
      SMART_RATE_LIMIT_TOKEN_PER_CLIENT: '4',
      SMART_OPENEHR_UPSTREAM_URL: cdr.url,
    });
    backendClient = await saveClient(
      t.app,
      {
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        scope: 'system/composition-*.rs',
      },
      { secret: SECRET },
    );
    appClient = await saveClient(t.app, {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'launch openid fhirUser patient/composition-*.rs',
    });
    admin = await adminToken(t.url);
  });
  afterAll(async () => {
    await t.close();
    await cdr.close();
    await storage.dispose();
  });

  const backendToken = (secret = SECRET) =>
    postForm(
      `${t.url}/auth/token`,
      { grant_type: 'client_credentials', scope: 'system/composition-*.rs' },
      { authorization: basic(backendClient, secret) },
    );
  const scrape = async () => {
    const res = await fetch(`${t.url}/admin/metrics`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    return { text, ...parseExposition(text) };
  };
  const find = (samples: Sample[], name: string, labels: Record<string, string>) =>
    samples.find(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );

  it('counts tokens, errors, logins, launches, revocations and rate limits, with durations', async () => {
    // A backend token, introspected and revoked; a failed token request.
    const issued = await backendToken();
    expect(issued.status).toBe(200);
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const auth = { authorization: basic(backendClient, SECRET) };
    expect((await postForm(`${t.url}/auth/introspect`, { token }, auth)).status).toBe(200);
    // Through the gateway: one composition read forwarded, one request that is no operation.
    cdr.compositions.set('c1::node::1', 'MyHospital::Vitals.v1');
    const gateway = (path: string) =>
      fetch(`${t.url}/openehr/rest/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await gateway(`/ehr/${PATIENT_EHR}/composition/c1::node::1`)).status).toBe(200);
    expect((await gateway('/no-such-resource')).status).toBe(403);
    expect((await postForm(`${t.url}/auth/revoke`, { token }, auth)).status).toBe(200);
    expect((await backendToken('wrong-secret')).status).toBe(401);
    expect((await fetch(`${t.url}/.well-known/smart-configuration`)).status).toBe(200);

    // A launch created by the admin API and used by an app through a user login.
    const created = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ehrId: PATIENT_EHR, client_id: appClient }),
    });
    expect(created.status).toBe(201);
    const { launch } = (await created.json()) as { launch: string };
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: appClient,
      scope: 'launch openid patient/composition-*.rs',
      username: 'patient',
      password: 'patient',
      extra: { launch },
    });
    expect((await redeem(t.url, appClient, flow)).status).toBe(200);
    // The same launch again: refused at the authorization request.
    const again = await fetch(
      `${t.url}/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: appClient,
        redirect_uri: REDIRECT_URI,
        scope: 'launch openid',
        state: 'st',
        aud: t.url,
        launch,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString()}`,
      { redirect: 'manual' },
    );
    expect(again.status).toBeGreaterThanOrEqual(300);

    // The backend client past its per-client token limit (4 per window).
    let refused = 0;
    for (let i = 0; i < 5; i++) if ((await backendToken()).status === 429) refused++;
    expect(refused).toBeGreaterThan(0);

    // A failed login (the flow stops on the login page).
    await authorizeAsUser({
      base: t.url,
      clientId: appClient,
      scope: 'openid patient/composition-*.rs',
      username: 'patient',
      password: 'wrong',
    }).catch(() => undefined);

    const { text, types, samples } = await scrape();
    expect(types.get('smart_auth_tokens_issued_total')).toBe('counter');
    expect(types.get('smart_auth_oauth_errors_total')).toBe('counter');
    expect(types.get('smart_auth_request_duration_seconds')).toBe('histogram');
    expect(types.get('smart_auth_rate_limit_refusals_total')).toBe('counter');
    expect(types.get('smart_auth_revocations_total')).toBe('counter');
    expect(types.get('smart_auth_launches_total')).toBe('counter');
    expect(types.get('smart_auth_logins_total')).toBe('counter');
    expect(types.get('smart_auth_consent_decisions_total')).toBe('counter');
    expect(types.get('smart_auth_cleanup_rows_deleted_total')).toBe('counter');
    expect(types.get('smart_auth_signing_key_age_seconds')).toBe('gauge');
    expect(types.get('smart_auth_storage_query_duration_seconds')).toBe('histogram');
    expect(types.get('smart_auth_storage_query_errors_total')).toBe('counter');
    expect(types.get('openehr_gateway_request_duration_seconds')).toBe('histogram');
    // Node's default process metrics.
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');

    const tokens = samples.filter((s) => s.name === 'smart_auth_tokens_issued_total');
    for (const s of tokens)
      expect(Object.keys(s.labels).sort()).toEqual(['client_type', 'grant_type']);
    expect(
      find(samples, 'smart_auth_tokens_issued_total', {
        grant_type: 'client_credentials',
        client_type: 'confidential-symmetric',
      })?.value,
    ).toBeGreaterThanOrEqual(2);
    expect(
      find(samples, 'smart_auth_tokens_issued_total', {
        grant_type: 'authorization_code',
        client_type: 'public',
      })?.value,
    ).toBe(1);
    expect(
      find(samples, 'smart_auth_oauth_errors_total', { endpoint: 'token', error: 'invalid_client' })
        ?.value,
    ).toBe(1);
    for (const endpoint of ['token', 'authorize', 'introspect', 'revoke', 'discovery']) {
      const count = find(samples, 'smart_auth_request_duration_seconds_count', { endpoint });
      expect({ endpoint, count: count?.value }).toEqual({ endpoint, count: expect.any(Number) });
      expect(
        find(samples, 'smart_auth_request_duration_seconds_bucket', { endpoint, le: '+Inf' }),
      ).toBeDefined();
    }
    expect(
      find(samples, 'smart_auth_request_duration_seconds_count', {
        endpoint: 'token',
        status_class: '4xx',
      })?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(
      find(samples, 'smart_auth_revocations_total', { cause: 'token_revocation' })?.value,
    ).toBe(1);
    expect(find(samples, 'smart_auth_launches_total', { outcome: 'created' })?.value).toBe(1);
    expect(find(samples, 'smart_auth_launches_total', { outcome: 'used' })?.value).toBe(1);
    expect(find(samples, 'smart_auth_launches_total', { outcome: 'refused' })?.value).toBe(1);
    expect(find(samples, 'smart_auth_logins_total', { outcome: 'success' })?.value).toBe(1);
    expect(
      find(samples, 'smart_auth_logins_total', { outcome: 'failure' })?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(find(samples, 'smart_auth_consent_decisions_total', { decision: 'allow' })?.value).toBe(
      1,
    );
    for (const alg of ['RS256', 'ES256', 'ES384']) {
      const age = find(samples, 'smart_auth_signing_key_age_seconds', { alg })?.value;
      expect({ alg, age }).toEqual({ alg, age: expect.any(Number) });
      expect(age).toBeGreaterThanOrEqual(0);
    }
    expect(
      find(samples, 'smart_auth_rate_limit_refusals_total', { limit: 'token_per_client' })?.value,
    ).toBe(refused);

    // Storage: every query by its SQL operation, and nothing else as a label.
    const queries = samples.filter(
      (s) => s.name === 'smart_auth_storage_query_duration_seconds_count',
    );
    for (const q of queries) {
      expect(Object.keys(q.labels)).toEqual(['operation']);
      expect(QUERY_OPERATIONS).toContain(q.labels.operation);
    }
    for (const operation of ['select', 'insert']) {
      const count = find(samples, 'smart_auth_storage_query_duration_seconds_count', { operation });
      expect({ operation, count: count?.value }).toEqual({ operation, count: expect.any(Number) });
      expect(count!.value).toBeGreaterThan(0);
    }
    // The gateway: the forwarded read by its openEHR operation, the refusal as `none`.
    expect(
      find(samples, 'openehr_gateway_request_duration_seconds_count', {
        operation: 'composition.read',
        status_class: '2xx',
      })?.value,
    ).toBe(1);
    expect(
      find(samples, 'openehr_gateway_request_duration_seconds_count', {
        operation: 'none',
        status_class: '4xx',
      })?.value,
    ).toBe(1);

    // The PostgreSQL pool (SQLite has none).
    if (storage.databaseUrl) {
      expect(types.get('smart_auth_db_pool_clients')).toBe('gauge');
      for (const state of ['in_use', 'idle', 'waiting']) {
        expect(find(samples, 'smart_auth_db_pool_clients', { state })).toBeDefined();
      }
    } else {
      expect(samples.some((s) => s.name === 'smart_auth_db_pool_clients')).toBe(false);
    }

    // Bounded labels: no client id, no path anywhere in the exposition.
    for (const id of [backendClient, appClient, 'test-admin']) expect(text).not.toContain(id);
    expect(text).not.toMatch(/\/auth\/|\/admin\/|\/ehr\//);
  });

  it('a scraper client with only metrics:read may scrape, and nothing else of the admin API', async () => {
    const api = makeAdminApi(t.url, await adminToken(t.url));
    const { body: scraper } = await api.post('/admin/clients', {
      ...makeSymmetricClient(),
      scope: 'metrics:read',
    });
    const token = await secretToken(
      t.url,
      scraper.client_id,
      scraper.client_secret,
      'metrics:read',
    );
    expect(token.status).toBe(200);
    const headers = { authorization: `Bearer ${token.body.access_token}` };
    const scrape = await fetch(`${t.url}/admin/metrics`, { headers });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/^# HELP smart_auth_/m);
    expect((await fetch(`${t.url}/admin/clients`, { headers })).status).toBe(403);
  });

  it('is behind admin auth: no token 401, a token without admin 403, nothing on the public paths', async () => {
    expect((await fetch(`${t.url}/admin/metrics`)).status).toBe(401);
    const launcher = await adminToken(t.url, 'launch:create');
    const res = await fetch(`${t.url}/admin/metrics`, {
      headers: { authorization: `Bearer ${launcher}` },
    });
    expect(res.status).toBe(403);
    for (const path of ['/metrics', '/auth/metrics']) {
      expect((await fetch(`${t.url}${path}`)).status).toBe(404);
    }
  });
});

describe('metrics: off by default', () => {
  let storage: TestStorage;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  it('has no metrics endpoint, even for an admin', async () => {
    const admin = await adminToken(t.url);
    const res = await fetch(`${t.url}/admin/metrics`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(404);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
  });
});

describe('metrics: a listener of their own (SMART_METRICS_PORT)', () => {
  let storage: TestStorage;
  let t: TestApp;
  let metricsUrl: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp(storage, {
      SMART_METRICS_ENABLED: 'true',
      SMART_METRICS_PORT: String(port),
    });
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  it('serves GET /metrics without a token, and nothing else', async () => {
    expect((await fetch(`${t.url}/.well-known/smart-configuration`)).status).toBe(200);
    const res = await fetch(`${metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types, samples } = parseExposition(await res.text());
    expect(types.get('smart_auth_request_duration_seconds')).toBe('histogram');
    expect(
      samples.find(
        (s) =>
          s.name === 'smart_auth_request_duration_seconds_count' &&
          s.labels.endpoint === 'discovery',
      )?.value,
    ).toBeGreaterThanOrEqual(1);
    const head = await fetch(`${metricsUrl}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await fetch(`${metricsUrl}/`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/auth/token`)).status).toBe(404);
    const post = await fetch(`${metricsUrl}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    // The admin endpoint still needs its token.
    expect((await fetch(`${t.url}/admin/metrics`)).status).toBe(401);
  });

  it('refuses a port without metrics, or the same port as the app, at start', async () => {
    const port = String(await freePort());
    await expect(startTestApp(storage, { SMART_METRICS_PORT: port })).rejects.toThrow(
      /SMART_METRICS_PORT needs SMART_METRICS_ENABLED=true/,
    );
    await expect(
      startTestApp(storage, {
        SMART_METRICS_ENABLED: 'true',
        SMART_METRICS_PORT: port,
        PORT: port,
      }),
    ).rejects.toThrow(/SMART_METRICS_PORT must differ from PORT/);
  });

  it('closes the listener with the application', async () => {
    const other = await createTestStorage();
    const port = await freePort();
    const app = await startTestApp(other, {
      SMART_METRICS_ENABLED: 'true',
      SMART_METRICS_PORT: String(port),
    });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    await app.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    await other.dispose();
  });
});
