import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { DOCUMENTS, JWKS, OIDC, SMART } from '../support/document-paths.js';

/** What a 200 of each document carries besides the security headers (as before the ETags). */
const EXPECTED = {
  [SMART]: { type: 'application/json; charset=utf-8', cache: 'public, max-age=300', cors: '*' },
  [OIDC]: { type: 'application/json; charset=utf-8', cache: 'public, max-age=300', cors: 'origin' },
  [JWKS]: { type: 'application/jwk-set+json; charset=utf-8', cache: null, cors: 'origin' },
} as const;

/** The members of the engine's openid-configuration, in its order (as served before, issue 16). */
const OIDC_MEMBERS = [
  'authorization_endpoint',
  'claims_parameter_supported',
  'claims_supported',
  'code_challenge_methods_supported',
  'end_session_endpoint',
  'grant_types_supported',
  'issuer',
  'jwks_uri',
  'authorization_response_iss_parameter_supported',
  'response_modes_supported',
  'response_types_supported',
  'scopes_supported',
  'subject_types_supported',
  'token_endpoint_auth_methods_supported',
  'token_endpoint_auth_signing_alg_values_supported',
  'token_endpoint',
  'id_token_signing_alg_values_supported',
  'pushed_authorization_request_endpoint',
  'request_uri_parameter_supported',
  'userinfo_endpoint',
  'dpop_signing_alg_values_supported',
  'claim_types_supported',
  'ui_locales_supported',
  'introspection_endpoint',
  'revocation_endpoint',
  'management_endpoint',
  'capabilities',
];

/** The members of the smart-configuration, in its order (as served before, issue 16). */
const SMART_MEMBERS = [
  'issuer',
  'jwks_uri',
  'authorization_endpoint',
  'token_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
  'userinfo_endpoint',
  'management_endpoint',
  'grant_types_supported',
  'response_types_supported',
  'code_challenge_methods_supported',
  'token_endpoint_auth_methods_supported',
  'token_endpoint_auth_signing_alg_values_supported',
  'scopes_supported',
  'capabilities',
  '__pkce_required',
  'services',
];

/** The headers of an answer that differ per request or per connection. */
const PER_REQUEST = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);
const headersOf = (res: Response) =>
  Object.fromEntries([...res.headers].filter(([name]) => !PER_REQUEST.has(name)));

/**
 * Issue 16: the discovery documents and the JWKS are answered from bytes computed once, with a
 * strong ETag and 304 on a matching If-None-Match (RFC 9110 §13.1.2); the JWKS bytes and ETag
 * change when the signing keys rotate. Headers and JSON stay what they were.
 */
describe('discovery documents and JWKS from precomputed bytes (ETag, 304)', () => {
  let storage: TestStorage;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage, { SMART_METRICS_ENABLED: 'true' });
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${t.url}${path}`, { method, headers });

  it.each(DOCUMENTS)(
    '%s: the first answer (from the engine or the builder) and the later ones (from the bytes) are the same, with a stable strong ETag',
    async (path) => {
      const answers = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await get(path, { origin: 'https://app.example' });
        answers.push({ status: res.status, headers: headersOf(res), body: await res.text() });
      }
      const [first] = answers;
      expect(first.status).toBe(200);
      expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(answers.slice(1)).toEqual([first, first]);
      const expected = EXPECTED[path as keyof typeof EXPECTED];
      expect(first.headers['content-type']).toBe(expected.type);
      expect(first.headers['cache-control']).toBe(expected.cache ?? undefined);
      expect(first.headers['content-length']).toBe(String(Buffer.byteLength(first.body)));
      if (expected.cors === '*') {
        expect(first.headers['access-control-allow-origin']).toBe('*');
      } else {
        expect(first.headers['access-control-allow-origin']).toBe('https://app.example');
        expect(first.headers.vary).toBe('Origin');
      }
      // The security headers of every answer (request guard) are still there.
      expect(first.headers['x-content-type-options']).toBe('nosniff');
      expect(first.headers['x-frame-options']).toBe('DENY');
      expect(first.headers['content-security-policy']).toContain("default-src 'none'");
      expect(first.headers['referrer-policy']).toBe('no-referrer');
    },
  );

  it.each(DOCUMENTS)(
    '%s: 304 without a body for its ETag, weak or in a list; 200 with the bytes for another',
    async (path) => {
      const full = await get(path);
      const etag = full.headers.get('etag') as string;
      const bytes = await full.text();
      for (const ifNoneMatch of [etag, `W/${etag}`, `"stale", ${etag}`, '*']) {
        const res = await get(path, { 'if-none-match': ifNoneMatch });
        expect({ ifNoneMatch, status: res.status }).toEqual({ ifNoneMatch, status: 304 });
        expect(res.headers.get('etag')).toBe(etag);
        expect(res.headers.get('cache-control')).toBe(full.headers.get('cache-control'));
        expect(res.headers.get('content-type')).toBeNull();
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(await res.text()).toBe('');
      }
      for (const ifNoneMatch of ['"stale"', etag.slice(0, -2) + '"', 'W/"x", "y"']) {
        const res = await get(path, { 'if-none-match': ifNoneMatch });
        expect({ ifNoneMatch, status: res.status }).toEqual({ ifNoneMatch, status: 200 });
        expect(res.headers.get('etag')).toBe(etag);
        expect(await res.text()).toBe(bytes);
      }
    },
  );

  it.each(DOCUMENTS)('%s: HEAD has the headers of GET and no body', async (path) => {
    const full = await get(path);
    const head = await get(path, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(headersOf(head)).toEqual(headersOf(full));
    expect(await head.text()).toBe('');
    const notModified = await get(
      path,
      { 'if-none-match': full.headers.get('etag') ?? '' },
      'HEAD',
    );
    expect(notModified.status).toBe(304);
  });

  it('the JSON is what it was: members in the same order, the same key values', async () => {
    const oidc = (await (await get(OIDC)).json()) as Record<string, unknown>;
    const smart = (await (await get(SMART)).json()) as Record<string, unknown>;
    expect(Object.keys(oidc)).toEqual(OIDC_MEMBERS);
    expect(Object.keys(smart)).toEqual(SMART_MEMBERS);
    for (const doc of [oidc, smart]) {
      expect(doc.issuer).toBe(t.url);
      expect(doc.jwks_uri).toBe(`${t.url}/auth/jwks`);
      expect(doc.token_endpoint).toBe(`${t.url}/auth/token`);
      expect(doc.authorization_endpoint).toBe(`${t.url}/auth/authorize`);
      expect(doc.management_endpoint).toBe(`${t.url}/account/apps`);
      expect(doc.code_challenge_methods_supported).toEqual(['S256']);
      expect(doc.response_types_supported).toEqual(['code']);
    }
    expect(oidc.pushed_authorization_request_endpoint).toBe(`${t.url}/auth/par`);
    expect(oidc.id_token_signing_alg_values_supported).toEqual(['ES256', 'ES384', 'RS256']);
    expect(oidc.capabilities).toEqual(smart.capabilities);
    expect(oidc.scopes_supported).toEqual(smart.scopes_supported);
    const jwks = (await (await get(JWKS)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'ES384', 'RS256']);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });

  it('after a key rotation (admin API) the JWKS has new bytes with the new keys and a new ETag', async () => {
    const before = await get(JWKS);
    const oldEtag = before.headers.get('etag') as string;
    const oldKids = ((await before.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const smartEtag = (await get(SMART)).headers.get('etag');
    const oidcEtag = (await get(OIDC)).headers.get('etag');

    const rotated = await fetch(`${t.url}/admin/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await adminToken(t.url)}` },
    });
    expect(rotated.status).toBe(202);
    const { published } = (await rotated.json()) as { published: string[] };
    expect(published.length).toBeGreaterThan(0);

    // Twice: the first request after the rotation is answered by the new engine, the second
    // from its bytes.
    for (let i = 0; i < 2; i += 1) {
      const stale = await get(JWKS, { 'if-none-match': oldEtag });
      expect(stale.status).toBe(200);
      const etag = stale.headers.get('etag') as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(etag).not.toBe(oldEtag);
      const kids = ((await stale.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([...oldKids, ...published]));
      expect((await get(JWKS, { 'if-none-match': etag })).status).toBe(304);
    }
    // The documents that do not depend on the keys keep their ETags.
    expect((await get(SMART)).headers.get('etag')).toBe(smartEtag);
    expect((await get(OIDC)).headers.get('etag')).toBe(oidcEtag);
  });

  it('answers from the bytes are still timed as the discovery and jwks endpoints', async () => {
    const scrape = async () => {
      const res = await fetch(`${t.url}/admin/metrics`, {
        headers: { authorization: `Bearer ${await adminToken(t.url)}` },
      });
      return res.text();
    };
    const count = (text: string, endpoint: string, statusClass: string) => {
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('smart_auth_request_duration_seconds_count{') &&
            l.includes(`endpoint="${endpoint}"`) &&
            l.includes(`status_class="${statusClass}"`),
        );
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const before = await scrape();
    const etag = (path: string) => get(path).then((r) => r.headers.get('etag') ?? '');
    const [smartTag, oidcTag, jwksTag] = await Promise.all(DOCUMENTS.map(etag));
    await get(SMART, { 'if-none-match': smartTag });
    await get(OIDC, { 'if-none-match': oidcTag });
    await get(JWKS, { 'if-none-match': jwksTag });
    const after = await scrape();
    expect(count(after, 'discovery', '2xx') - count(before, 'discovery', '2xx')).toBe(2);
    expect(count(after, 'discovery', '3xx') - count(before, 'discovery', '3xx')).toBe(2);
    expect(count(after, 'jwks', '2xx') - count(before, 'jwks', '2xx')).toBe(1);
    expect(count(after, 'jwks', '3xx') - count(before, 'jwks', '3xx')).toBe(1);
  });

  it.each(DOCUMENTS)(
    '%s: answered ahead of the request logger (LOG_LEVEL above info), still with its request id',
    async (path) => {
      await get(path);
      const given = await get(path, { 'x-request-id': 'req-doc-0001' });
      expect(given.headers.get('x-request-id')).toBe('req-doc-0001');
      const ids = new Set<string | null>();
      for (const header of [{}, { 'x-request-id': 'not a valid id!' }] as Record<
        string,
        string
      >[]) {
        const res = await get(path, header);
        expect(res.status).toBe(200);
        ids.add(res.headers.get('x-request-id'));
      }
      expect(ids.size).toBe(2);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});
