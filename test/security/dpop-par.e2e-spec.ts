import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { adminToken, basic } from '../support/app.harness.js';
import { postForm } from '../support/clients.js';
import { authorizeAsUser, REDIRECT_URI } from '../support/smart-flow.js';
import { pkce, UserAgent } from '../support/user-agent.js';
import {
  bodyOf,
  expectOAuthError,
  FORM,
  publicApp,
  rawRequest,
  SCOPE,
  SECRET,
  secretClient,
  startSecurityApp,
  type SecurityApp,
} from './security.support.js';

const now = () => Math.floor(Date.now() / 1000);

interface DpopKey {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function dpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: await exportJWK(publicKey) };
}

/** A DPoP proof (RFC 9449 §4.2); `claims` and `header` override the valid defaults. */
function proof(
  key: DpopKey,
  htm: string,
  htu: string,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({ htm, htu, jti: randomUUID(), iat: now(), ...claims })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk, ...header })
    .sign(key.privateKey);
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * B.1 #37 (DPoP, RFC 9449) and #38 (PAR, RFC 9126): both are served by the engine (on by
 * default in oidc-provider 9); every malformed or misbound proof and every misuse of a
 * request_uri is refused with its exact error and no token. DPoP nonces are not required by this
 * server (no nonce secret is configured), so the nonce cases do not apply.
 */
describe('DPoP and pushed authorization requests', () => {
  let t: SecurityApp;
  let tokenUrl: string;
  let clientId: string;
  let appId: string;

  beforeAll(async () => {
    t = await startSecurityApp();
    tokenUrl = `${t.url}/auth/token`;
    clientId = await secretClient(t.app);
    appId = await publicApp(t.app);
  });
  afterAll(() => t.close());

  const tokenWithProof = (dpop: string | undefined, form: Record<string, string> = {}) =>
    postForm(
      tokenUrl,
      { grant_type: 'client_credentials', scope: SCOPE, ...form },
      { authorization: basic(clientId, SECRET), ...(dpop ? { dpop } : {}) },
    );

  describe('#37 DPoP proofs at the token endpoint', () => {
    it('a valid proof binds the token (the baseline; iat 10 s off is accepted)', async () => {
      const key = await dpopKey();
      expect(
        (await tokenWithProof(await proof(key, 'POST', tokenUrl, { iat: now() - 10 }))).status,
      ).toBe(200);
      expect(
        (await tokenWithProof(await proof(key, 'POST', tokenUrl, { iat: now() + 10 }))).status,
      ).toBe(200);
      const res = await tokenWithProof(await proof(key, 'POST', tokenUrl));
      const body = await bodyOf(res);
      expect(res.status).toBe(200);
      expect(body.token_type).toBe('DPoP');
      const claims = JSON.parse(
        Buffer.from(body.access_token.split('.')[1], 'base64url').toString(),
      );
      expect(claims.cnf?.jkt).toEqual(expect.any(String));
    });

    it.each([
      ['typed other than dpop+jwt', {}, { typ: 'JWT' }],
      ['signed with HS256', {}, { alg: 'HS256' }],
      ['mismatched htm', { htm: 'GET' }, {}],
      ['mismatched htu', { htu: 'https://other.example/token' }, {}],
      ['an iat 10 minutes old', { iat: now() - 600 }, {}],
      ['an iat 10 minutes ahead', { iat: now() + 600 }, {}],
    ])('refuses a proof %s', async (_name, claims, header) => {
      const key = await dpopKey();
      let dpop: string;
      if ((header as { alg?: string }).alg === 'HS256') {
        const secret = new TextEncoder().encode('a-symmetric-key-of-32-bytes-long!');
        dpop = await new SignJWT({ htm: 'POST', htu: tokenUrl, jti: randomUUID(), iat: now() })
          .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.jwk })
          .sign(secret);
      } else {
        dpop = await proof(key, 'POST', tokenUrl, claims, header);
      }
      await expectOAuthError(await tokenWithProof(dpop), 400, 'invalid_dpop_proof');
    });

    it('refuses alg none and a private key in the jwk header', async () => {
      const key = await dpopKey();
      const none = `${b64({ typ: 'dpop+jwt', alg: 'none', jwk: key.jwk })}.${b64({ htm: 'POST', htu: tokenUrl, jti: randomUUID(), iat: now() })}.`;
      await expectOAuthError(await tokenWithProof(none), 400, 'invalid_dpop_proof');
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const privateJwk = await exportJWK(privateKey);
      const leaking = await proof({ privateKey, jwk: privateJwk }, 'POST', tokenUrl);
      await expectOAuthError(await tokenWithProof(leaking), 400, 'invalid_dpop_proof');
    });

    it('refuses a replayed proof (same jti)', async () => {
      const dpop = await proof(await dpopKey(), 'POST', tokenUrl);
      expect((await tokenWithProof(dpop)).status).toBe(200);
      await expectOAuthError(await tokenWithProof(dpop), 400, 'invalid_dpop_proof');
    });

    it('of eight concurrent uses of one proof, exactly one is accepted', async () => {
      const dpop = await proof(await dpopKey(), 'POST', tokenUrl);
      const answers = await Promise.all(Array.from({ length: 8 }, () => tokenWithProof(dpop)));
      const refused = answers.filter((res) => res.status !== 200);
      expect(answers.length - refused.length).toBe(1);
      for (const res of refused) await expectOAuthError(res, 400, 'invalid_dpop_proof');
    });

    it('refuses two DPoP headers in one request', async () => {
      const key = await dpopKey();
      const [a, b] = [await proof(key, 'POST', tokenUrl), await proof(key, 'POST', tokenUrl)];
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        scope: SCOPE,
      }).toString();
      const answer = await rawRequest(
        t.url,
        [
          'POST /auth/token HTTP/1.1',
          `Host: ${new URL(t.url).host}`,
          `Authorization: ${basic(clientId, SECRET)}`,
          'Content-Type: application/x-www-form-urlencoded',
          `DPoP: ${a}`,
          `DPoP: ${b}`,
          `Content-Length: ${Buffer.byteLength(body)}`,
          'Connection: close',
          '',
          body,
        ].join('\r\n'),
      );
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_dpop_proof' });
      expect(answer.body).not.toContain('access_token');
    });
  });

  describe('#37 DPoP-bound user tokens', () => {
    const boundTokens = async (key: DpopKey) => {
      const agent = new UserAgent();
      const jkt = await (await import('jose')).calculateJwkThumbprint(key.jwk);
      const flow = await authorizeAsUser({
        base: t.url,
        clientId: appId,
        scope: 'openid offline_access patient/composition-*.rs launch/patient',
        username: 'patient',
        password: 'patient',
        agent,
        extra: { dpop_jkt: jkt },
      });
      const exchange = (dpop: string | undefined) =>
        postForm(
          tokenUrl,
          {
            grant_type: 'authorization_code',
            code: flow.callback.searchParams.get('code')!,
            redirect_uri: REDIRECT_URI,
            client_id: appId,
            code_verifier: flow.verifier,
          },
          dpop ? { dpop } : {},
        );
      return { exchange };
    };

    it('a code bound with dpop_jkt is refused with another key (which burns it)', async () => {
      const key = await dpopKey();
      const { exchange } = await boundTokens(key);
      await expectOAuthError(
        await exchange(await proof(await dpopKey(), 'POST', tokenUrl)),
        400,
        'invalid_grant',
      );
      await expectOAuthError(
        await exchange(await proof(key, 'POST', tokenUrl)),
        400,
        'invalid_grant',
      );
    });

    it('tokens of a dpop_jkt code keep the key: refresh, userinfo and the resource server', async () => {
      const key = await dpopKey();
      const { exchange } = await boundTokens(key);
      const res = await exchange(await proof(key, 'POST', tokenUrl));
      const tokens = await bodyOf(res);
      expect(res.status).toBe(200);
      expect(tokens.token_type).toBe('DPoP');

      // The refresh token of a public client is bound to the key too.
      const refresh = (dpop: string) =>
        postForm(
          tokenUrl,
          { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: appId },
          { dpop },
        );
      await expectOAuthError(
        await refresh(await proof(await dpopKey(), 'POST', tokenUrl)),
        400,
        'invalid_grant',
      );

      // The access token is refused as a Bearer token (userinfo serves Bearer tokens only).
      const userinfo = `${t.url}/auth/userinfo`;
      const asBearer = await fetch(userinfo, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(asBearer.status).toBe(401);
      const noProof = await fetch(userinfo, {
        headers: { authorization: `DPoP ${tokens.access_token}` },
      });
      expect(noProof.status).toBe(401);
      // Introspection tells resource servers the token is sender-constrained (RFC 9449 §6.2).
      const introspected = await bodyOf(
        await postForm(
          `${t.url}/auth/introspect`,
          { token: tokens.access_token },
          { authorization: `Bearer ${await adminToken(t.url, 'introspect')}` },
        ),
      );
      expect(introspected).toMatchObject({
        active: true,
        token_type: 'DPoP',
        cnf: { jkt: expect.any(String) },
      });
    });

    it('a code bound with dpop_jkt is refused without a proof', async () => {
      const { exchange } = await boundTokens(await dpopKey());
      await expectOAuthError(await exchange(undefined), 400, 'invalid_grant');
    });
  });

  describe('#38 pushed authorization requests', () => {
    const pushed = (form: Record<string, string>, client = appId) =>
      postForm(`${t.url}/auth/par`, {
        response_type: 'code',
        client_id: client,
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        aud: t.url,
        state: 'par-state',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        ...form,
      });
    const authorize = (requestUri: string, client = appId, agent = new UserAgent()) =>
      agent.request(
        `${t.url}/auth/authorize?${new URLSearchParams({ client_id: client, request_uri: requestUri }).toString()}`,
      );

    it('a pushed request is accepted once (the baseline)', async () => {
      const res = await pushed({});
      const body = await bodyOf(res);
      expect(res.status).toBe(201);
      expect(body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
      const first = await authorize(body.request_uri);
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toMatch(/^\/interaction\//);
    });

    it('refuses request_uri inside the pushed parameters', async () => {
      await expectOAuthError(
        await pushed({ request_uri: 'urn:ietf:params:oauth:request_uri:abc' }),
        400,
        'invalid_request',
      );
    });

    it('a request_uri is bound to its client', async () => {
      const other = await publicApp(t.app);
      const { request_uri } = await bodyOf(await pushed({}));
      const res = await authorize(request_uri, other);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });

    it('a request_uri cannot be used after the flow completed, nor after it expired', async () => {
      const { request_uri } = await bodyOf(await pushed({}));
      const agent = new UserAgent();
      const flow = await authorizeAsUser({
        base: t.url,
        clientId: appId,
        scope: 'openid',
        agent,
        startUrl: `${t.url}/auth/authorize?${new URLSearchParams({ client_id: appId, request_uri }).toString()}`,
      });
      expect(flow.callback.searchParams.get('code')).toEqual(expect.any(String));
      const again = await authorize(request_uri, appId, agent);
      expect(again.status).not.toBe(303);
      expect(again.headers.get('location') ?? '').not.toContain('code=');

      const expired = (await bodyOf(await pushed({}))).request_uri as string;
      await t.app
        .get(DataSource)
        .query(`UPDATE oidc_payload SET expires_at = 1 WHERE model = 'PushedAuthorizationRequest'`);
      const late = await authorize(expired);
      expect(late.status).toBe(400);
      expect(late.headers.get('location')).toBeNull();
    });

    it('GET on the PAR endpoint is not allowed', async () => {
      const res = await fetch(`${t.url}/auth/par?client_id=${appId}`, { headers: FORM });
      expect([404, 405]).toContain(res.status);
      expect(res.status).not.toBe(500);
    });
  });
});
