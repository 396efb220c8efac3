import type { INestApplication } from '@nestjs/common';
import { SignJWT } from 'jose';
import request from 'supertest';
import { startFakeCdr, type FakeCdr } from './fake-cdr.js';
import { INTROSPECTION_CLIENT, startFakeIssuer, type FakeIssuer } from './fake-issuer.js';
import { AUDIENCE, BASE, startGateway } from './gateway.harness.js';
import {
  makeSigningKey,
  publicPem,
  signAccessToken,
  unsignedToken,
  type SigningKey,
  type TokenOptions,
} from './token.factory.js';

const PATH = `${BASE}/definition/template/adl1.4/Vitals.v1`;
const SCOPE = 'user/template-*.r';

describe('OpenEhrGatewayModule: bearer token verification', () => {
  let issuer: FakeIssuer;
  let cdr: FakeCdr;
  let app: INestApplication;
  let ec: SigningKey;
  let rsa: SigningKey;

  const options = (patch: Partial<TokenOptions> = {}): TokenOptions => ({
    issuer: issuer.issuer,
    audience: AUDIENCE,
    ...patch,
  });
  const call = (authorization?: string) => {
    const req = request(app.getHttpServer()).get(PATH);
    return authorization === undefined ? req : req.set('authorization', authorization);
  };

  beforeAll(async () => {
    [issuer, cdr, ec, rsa] = await Promise.all([
      startFakeIssuer(),
      startFakeCdr(),
      makeSigningKey('ES256', 'ec-1'),
      makeSigningKey('RS256', 'rsa-1'),
    ]);
    issuer.keys.push(ec.publicJwk, rsa.publicJwk);
    app = await startGateway(issuer, { upstreamUrl: cdr.url });
  });
  beforeEach(() => {
    cdr.requests.length = 0;
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([cdr.close(), issuer.close()]);
  });

  it('accepts an ES256 token, discovering the JWKS through the issuer metadata', async () => {
    const response = await call(`Bearer ${await signAccessToken(ec, SCOPE, options())}`);
    expect(response.status).toBe(200);
    expect(issuer.counts.discovery).toBe(1);
    expect(cdr.requests).toHaveLength(1);
  });

  it('accepts an RS256 token, and an ES256 token without kid when one key fits', async () => {
    expect((await call(`Bearer ${await signAccessToken(rsa, SCOPE, options())}`)).status).toBe(200);
    expect(
      (
        await call(
          `Bearer ${await signAccessToken(ec, SCOPE, options({ header: { kid: undefined } }))}`,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await call(
          `bearer ${await signAccessToken(ec, SCOPE, options({ header: { typ: 'application/at+jwt' } }))}`,
        )
      ).status,
    ).toBe(200);
  });

  it('answers 401 with a bare challenge when no token is sent (RFC 6750 §3.1)', async () => {
    for (const response of [await call(), await call('Basic dXNlcjpwYXNz')]) {
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="openehr"');
      expect(response.body).toEqual({ error_description: 'a bearer access token is required' });
    }
    expect(cdr.requests).toEqual([]);
  });

  it('refetches the JWKS once for an unknown kid, then not again within the cooldown', async () => {
    const stranger = await makeSigningKey('ES256', 'never-published');
    const before = issuer.counts.jwks;

    const first = await call(`Bearer ${await signAccessToken(stranger, SCOPE, options())}`);
    const second = await call(
      `Bearer ${await signAccessToken({ ...stranger, kid: 'also-unknown' }, SCOPE, options())}`,
    );

    expect([first.status, second.status]).toEqual([401, 401]);
    expect(first.body.error_description).toBe('no published signing key matches the access token');
    expect(issuer.counts.jwks).toBe(before + 1);
    expect(cdr.requests).toEqual([]);
  });

  const invalid: [string, () => Promise<string>, string][] = [
    [
      'an expired token',
      () => signAccessToken(ec, SCOPE, options({ expiresIn: -60 })),
      'the access token has expired',
    ],
    [
      'a token not valid yet',
      () =>
        signAccessToken(
          ec,
          SCOPE,
          options({ claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }),
        ),
      'the access token is not valid yet',
    ],
    [
      'a wrong issuer',
      () => signAccessToken(ec, SCOPE, options({ issuer: 'https://evil.example' })),
      'the access token was issued by another issuer',
    ],
    [
      'a wrong audience',
      () => signAccessToken(ec, SCOPE, options({ audience: 'https://other.example/fhir' })),
      'the access token is meant for another audience',
    ],
    [
      'an ID token (typ JWT)',
      () => signAccessToken(ec, SCOPE, options({ header: { typ: 'JWT' } })),
      'the token is not an access token (typ must be at+jwt)',
    ],
    [
      'a token without typ',
      () => signAccessToken(ec, SCOPE, options({ header: { typ: undefined } })),
      'the token is not an access token (typ must be at+jwt)',
    ],
    [
      'alg none',
      () =>
        Promise.resolve(
          unsignedToken({
            iss: issuer.issuer,
            aud: AUDIENCE,
            sub: 's',
            client_id: 'c',
            exp: Math.floor(Date.now() / 1000) + 60,
            scope: SCOPE,
          }),
        ),
      'the access token signing algorithm is not accepted',
    ],
    [
      'HS256 signed with the public key',
      () =>
        new SignJWT({ sub: 's', client_id: 'c', scope: SCOPE })
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'rsa-1' })
          .setIssuer(issuer.issuer)
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(publicPem(rsa))),
      'the access token signing algorithm is not accepted',
    ],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (
          await signAccessToken(ec, 'user/template-Labs.v1.r', options())
        ).split('.');
        const payload = Buffer.from(
          JSON.stringify({
            iss: issuer.issuer,
            aud: AUDIENCE,
            sub: 's',
            client_id: 'c',
            exp: Math.floor(Date.now() / 1000) + 60,
            scope: SCOPE,
          }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
      'the access token signature is invalid',
    ],
    [
      'a key of the wrong type for the kid',
      () => signAccessToken(ec, SCOPE, options({ header: { kid: 'rsa-1' } })),
      'no published signing key matches the access token',
    ],
    [
      'a token without client_id',
      () => signAccessToken(ec, SCOPE, options({ claims: { client_id: undefined } })),
      'the access token lacks the client_id claim',
    ],
    [
      'a sender-constrained (DPoP) token',
      () => signAccessToken(ec, SCOPE, options({ claims: { cnf: { jkt: 'abc' } } })),
      'sender-constrained access tokens are not accepted here',
    ],
    [
      'a malformed bearer value',
      () => Promise.resolve('not a token!'),
      'the bearer token is malformed',
    ],
    [
      'an opaque token without introspection',
      () => Promise.resolve('opaque-token-value'),
      'the access token is not a JWT',
    ],
    [
      'a JWT with a broken header',
      () => Promise.resolve('eyJub3QganNvbg.eyJ9.abc'),
      'the access token is not a well-formed JWT',
    ],
  ];

  it.each(invalid)('refuses %s with 401 invalid_token', async (_name, make, description) => {
    const response = await call(`Bearer ${await make()}`);

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'invalid_token', error_description: description });
    expect(response.headers['www-authenticate']).toBe(
      `Bearer realm="openehr", error="invalid_token", error_description="${description}"`,
    );
    expect(cdr.requests).toEqual([]);
  });
});

describe('OpenEhrGatewayModule: key rotation and issuer outage', () => {
  let issuer: FakeIssuer;
  let cdr: FakeCdr;
  let app: INestApplication;

  beforeAll(async () => {
    [issuer, cdr] = await Promise.all([startFakeIssuer(), startFakeCdr()]);
    app = await startGateway(issuer, { upstreamUrl: cdr.url });
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([cdr.close(), issuer.close()]);
  });

  it('accepts a token signed with a key published after the first JWKS fetch', async () => {
    const old = await makeSigningKey('ES256', 'old');
    issuer.keys.push(old.publicJwk);
    const tokenOptions = { issuer: issuer.issuer, audience: AUDIENCE };
    expect(
      (
        await request(app.getHttpServer())
          .get(PATH)
          .set('authorization', `Bearer ${await signAccessToken(old, SCOPE, tokenOptions)}`)
      ).status,
    ).toBe(200);
    expect(issuer.counts.jwks).toBe(1);

    const rotated = await makeSigningKey('ES256', 'new');
    issuer.keys.push(rotated.publicJwk);
    const response = await request(app.getHttpServer())
      .get(PATH)
      .set('authorization', `Bearer ${await signAccessToken(rotated, SCOPE, tokenOptions)}`);

    expect(response.status).toBe(200);
    expect(issuer.counts.jwks).toBe(2);
  });

  it('answers 503 (not invalid_token) while the issuer cannot be reached', async () => {
    const down = await startFakeIssuer();
    const key = await makeSigningKey('ES256', 'k');
    const unreachable = await startGateway(down, { upstreamUrl: cdr.url });
    await down.close();
    const response = await request(unreachable.getHttpServer())
      .get(PATH)
      .set(
        'authorization',
        `Bearer ${await signAccessToken(key, SCOPE, { issuer: down.issuer, audience: AUDIENCE })}`,
      );
    await unreachable.close();

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the access token cannot be verified right now, retry later',
    });
  });
});

describe('OpenEhrGatewayModule: opaque tokens through introspection', () => {
  let issuer: FakeIssuer;
  let cdr: FakeCdr;
  let app: INestApplication;
  const active = (patch: Record<string, unknown> = {}) => ({
    active: true,
    token_type: 'Bearer',
    iss: issuer.issuer,
    aud: AUDIENCE,
    client_id: 'app-1',
    sub: 'user-1',
    scope: SCOPE,
    exp: Math.floor(Date.now() / 1000) + 300,
    ...patch,
  });

  beforeAll(async () => {
    [issuer, cdr] = await Promise.all([startFakeIssuer(), startFakeCdr()]);
    app = await startGateway(issuer, {
      upstreamUrl: cdr.url,
      resourceServer: {
        introspection: { endpoint: `${issuer.issuer}/introspect`, ...INTROSPECTION_CLIENT },
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([cdr.close(), issuer.close()]);
  });

  it('accepts an active bearer token and caches the answer', async () => {
    issuer.introspection.set('opaque-good', active());
    const first = await request(app.getHttpServer())
      .get(PATH)
      .set('authorization', 'Bearer opaque-good');
    const second = await request(app.getHttpServer())
      .get(PATH)
      .set('authorization', 'Bearer opaque-good');

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(issuer.counts.introspection).toBe(1);
    expect(cdr.requests).toHaveLength(2);
  });

  it.each<[string, Record<string, unknown> | undefined, string]>([
    ['an unknown (inactive) token', undefined, 'the access token is not active'],
    [
      'a refresh token (no token_type)',
      { token_type: undefined },
      'the token is not a bearer access token',
    ],
    ['a DPoP token', { token_type: 'DPoP' }, 'the token is not a bearer access token'],
    [
      'another audience',
      { aud: 'https://other.example' },
      'the access token is meant for another audience',
    ],
    ['no audience', { aud: undefined }, 'the access token is meant for another audience'],
    [
      'another issuer',
      { iss: 'https://evil.example' },
      'the access token was issued by another issuer',
    ],
    [
      'an expired token',
      { exp: Math.floor(Date.now() / 1000) - 60 },
      'the access token has expired',
    ],
  ])('refuses %s', async (name, patch, description) => {
    const token = `opaque-${name.replace(/\W+/g, '-')}`;
    if (patch !== undefined)
      issuer.introspection.set(token, JSON.parse(JSON.stringify(active(patch))));
    const response = await request(app.getHttpServer())
      .get(PATH)
      .set('authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'invalid_token', error_description: description });
  });
});
