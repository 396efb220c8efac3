import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { saveClient } from '../support/clients.js';
import {
  makeKeyClient,
  tokenWithAssertion,
  type KeyClient,
} from '../support/private-key-client.js';
import { expectOAuthError, SCOPE, startSecurityApp, type SecurityApp } from './security.support.js';

/**
 * B.1 #44: fetching a client's jwks_uri cannot be turned against the platform's network (SSRF):
 * special-use addresses and names resolving to them are refused, redirects are not followed,
 * bodies are capped, slow servers time out, and unknown kids do not cause a refetch storm.
 */
describe('remote key fetches (jwks_uri): no SSRF, bounded, no refetch storm', () => {
  let t: SecurityApp;
  let server: Server;
  let port: number;
  const hits = new Map<string, number>();
  const keys: { keys: unknown[] } = { keys: [] };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      res.setHeader('content-type', 'application/json');
      if (path === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/jwks.json` }).end();
      } else if (path === '/big') {
        res.end(JSON.stringify({ keys: [...keys.keys], pad: 'x'.repeat(200_000) }));
      } else if (path === '/endless') {
        const chunk = `${' '.repeat(16 * 1024)}`;
        const timer = setInterval(() => res.write(chunk), 5);
        res.on('close', () => clearInterval(timer));
        res.write('{"keys":[');
      } else if (path === '/slow') {
        setTimeout(() => res.end(JSON.stringify(keys)), 4000).unref();
      } else {
        res.end(JSON.stringify(keys));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    // Only 127.0.0.1 itself may be fetched (tests need a local server); names resolving to it may not.
    t = await startSecurityApp({ SMART_FETCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1' });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await t.close();
  });

  const clientAt = async (jwksUri: string): Promise<KeyClient> => {
    const client = await makeKeyClient('ES384');
    keys.keys.push(client.publicJwk);
    await saveClient(
      t.app,
      {
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES384',
        grant_types: ['client_credentials'],
        jwks_uri: jwksUri,
        scope: SCOPE,
      },
      { clientId: client.clientId },
    );
    return client;
  };
  const tokenUrl = () => `${t.url}/auth/token`;
  const attempt = async (client: KeyClient) =>
    tokenWithAssertion(tokenUrl(), await client.assertion(tokenUrl()));

  it('fetches from an allowed host (the baseline)', async () => {
    const client = await clientAt(`http://127.0.0.1:${port}/jwks.json`);
    expect((await attempt(client)).status).toBe(200);
  });

  it.each([
    ['the cloud metadata address', 'http://169.254.169.254/latest/jwks.json'],
    ['a 10/8 address', 'http://10.0.0.1/jwks.json'],
    ['a 172.16/12 address', 'http://172.16.0.1/jwks.json'],
    ['a 192.168/16 address', 'http://192.168.1.1/jwks.json'],
    ['IPv6 loopback', 'http://[::1]/jwks.json'],
    ['an IPv6 unique-local address', 'http://[fc00::1]/jwks.json'],
    ['another loopback address', 'http://127.0.0.2:{port}/jwks.json'],
    ['a DNS name resolving to loopback', 'http://localhost:{port}/jwks.json'],
  ])('refuses %s', async (_name, uri) => {
    const before = hits.get('/jwks.json') ?? 0;
    const started = Date.now();
    const client = await clientAt(uri.replace('{port}', String(port)));
    await expectOAuthError(await attempt(client), 401, 'invalid_client');
    expect(hits.get('/jwks.json') ?? 0).toBe(before);
    expect(Date.now() - started).toBeLessThan(3500);
  });

  it('does not follow a redirect (even to an allowed address)', async () => {
    const before = hits.get('/jwks.json') ?? 0;
    const client = await clientAt(`http://127.0.0.1:${port}/redirect`);
    await expectOAuthError(await attempt(client), 401, 'invalid_client');
    expect(hits.get('/redirect')).toBeGreaterThanOrEqual(1);
    expect(hits.get('/jwks.json') ?? 0).toBe(before);
  });

  it('refuses a key set larger than the cap (64 KiB)', async () => {
    const client = await clientAt(`http://127.0.0.1:${port}/big`);
    await expectOAuthError(await attempt(client), 401, 'invalid_client');
  });

  it('stops reading an endless key set at the cap, long before the timeout', async () => {
    const client = await clientAt(`http://127.0.0.1:${port}/endless`);
    const started = Date.now();
    await expectOAuthError(await attempt(client), 401, 'invalid_client');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('gives up on a slow key server after 2.5 s', async () => {
    const client = await clientAt(`http://127.0.0.1:${port}/slow`);
    const started = Date.now();
    await expectOAuthError(await attempt(client), 401, 'invalid_client');
    expect(Date.now() - started).toBeLessThan(3800);
  });

  it('unknown kids trigger at most one refetch per cooldown, not one per request', async () => {
    const client = await clientAt(`http://127.0.0.1:${port}/jwks.json?storm`);
    expect((await attempt(client)).status).toBe(200);
    const before = hits.get('/jwks.json?storm') ?? 0;
    for (let i = 0; i < 10; i++) {
      const stranger = await makeKeyClient('ES384', client.clientId);
      stranger.publicJwk.kid = `unknown-${i}`;
      const res = await tokenWithAssertion(
        tokenUrl(),
        await stranger.assertion(tokenUrl(), {}, { kid: `unknown-${i}` }),
      );
      await expectOAuthError(res, 401, 'invalid_client');
    }
    expect((hits.get('/jwks.json?storm') ?? 0) - before).toBeLessThanOrEqual(1);
  });
});
