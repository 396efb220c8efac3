import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AccessTokenKeyResolver } from '../../libs/resource-server/src/token/access-token-key.resolver.js';
import { startFakeCdr, type FakeCdr } from './fake-cdr.js';
import { startFakeIssuer, type FakeIssuer } from './fake-issuer.js';
import { AUDIENCE, BASE, startGateway } from './gateway.harness.js';
import { makeSigningKey, signAccessToken, type SigningKey } from './token.factory.js';

const PATH = `${BASE}/definition/template/adl1.4/Vitals.v1`;
const SCOPE = 'user/template-*.r';

/**
 * The verified-token cache (`verifiedTokenCacheSize`): a token sent again is not verified again,
 * but never outlives its `exp` or the JWKS it was verified against.
 */
describe('SmartJwtStrategy: verified tokens are remembered, within limits', () => {
  let issuer: FakeIssuer;
  let cdr: FakeCdr;
  let key: SigningKey;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    [issuer, cdr, key] = await Promise.all([
      startFakeIssuer(),
      startFakeCdr(),
      makeSigningKey('ES256', 'cached-1'),
    ]);
  });
  beforeEach(() => {
    issuer.keys.splice(0, issuer.keys.length, key.publicJwk);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(async () => {
    await Promise.all([cdr.close(), issuer.close()]);
  });

  const gateway = async (resourceServer: Record<string, unknown> = {}) => {
    const app = await startGateway(issuer, { upstreamUrl: cdr.url, resourceServer });
    apps.push(app);
    return app;
  };
  const token = (expiresIn = 3600) =>
    signAccessToken(key, SCOPE, { issuer: issuer.issuer, audience: AUDIENCE, expiresIn });
  const call = (app: INestApplication, jwt: string) =>
    request(app.getHttpServer()).get(PATH).set('authorization', `Bearer ${jwt}`);
  const keyLookups = (app: INestApplication) =>
    jest.spyOn(app.get(AccessTokenKeyResolver), 'keyFor');
  const clockAt = (ms: number) => jest.spyOn(Date, 'now').mockReturnValue(ms);

  it('verifies a token once, then serves it from memory; with size 0 on every request', async () => {
    const jwt = await token();
    const cached = await gateway();
    const cachedLookups = keyLookups(cached);
    const uncached = await gateway({ verifiedTokenCacheSize: 0 });
    const uncachedLookups = keyLookups(uncached);
    for (let i = 0; i < 3; i += 1) {
      expect((await call(cached, jwt)).status).toBe(200);
      expect((await call(uncached, jwt)).status).toBe(200);
    }
    expect(cachedLookups).toHaveBeenCalledTimes(1);
    expect(uncachedLookups).toHaveBeenCalledTimes(3);
  });

  it('refuses a remembered token once it has expired', async () => {
    const app = await gateway();
    const jwt = await token(60);
    expect((await call(app, jwt)).status).toBe(200);
    clockAt(Date.now() + 66_000);
    const response = await call(app, jwt);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toContain('the access token has expired');
  });

  it('refuses a remembered token once the JWKS is refetched without its key', async () => {
    const app = await gateway({ jwksCacheMaxAgeSeconds: 60 });
    const jwt = await token();
    expect((await call(app, jwt)).status).toBe(200);
    issuer.keys.splice(0, issuer.keys.length);
    // Within the JWKS's max age, the published keys are what was fetched.
    expect((await call(app, jwt)).status).toBe(200);
    const fetches = issuer.counts.jwks;
    clockAt(Date.now() + 61_000);
    const response = await call(app, jwt);
    expect(issuer.counts.jwks).toBe(fetches + 1);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toContain('no published signing key matches');
  });

  it('does not remember a refused token, nor a token a refused request carried', async () => {
    const app = await gateway();
    const lookups = keyLookups(app);
    const foreign = await signAccessToken(key, SCOPE, {
      issuer: issuer.issuer,
      audience: 'https://other.example/fhir',
    });
    for (let i = 0; i < 2; i += 1) expect((await call(app, foreign)).status).toBe(401);
    const jwt = await token();
    // A character well inside the signature (the last one may only hold padding bits).
    const at = jwt.length - 10;
    const tampered = `${jwt.slice(0, at)}${jwt[at] === 'A' ? 'B' : 'A'}${jwt.slice(at + 1)}`;
    for (let i = 0; i < 2; i += 1) expect((await call(app, tampered)).status).toBe(401);
    expect(lookups).toHaveBeenCalledTimes(4);
  });
});
