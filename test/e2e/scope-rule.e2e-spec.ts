import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { TrustedIssuerService } from '../../libs/auth-server/src/trusted-issuers/trusted-issuer.service.js';
import {
  basic,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { postForm, saveClient } from '../support/clients.js';
import {
  makeKeyClient,
  registerKeyClient,
  tokenWithAssertion,
  type KeyClient,
} from '../support/private-key-client.js';
import { authorizeAsUser, REDIRECT_URI, type FlowResult } from '../support/smart-flow.js';
import { UserAgent } from '../support/user-agent.js';

const SECRET = 'scope-rule-secret-0123456789';
const USER_APP_SCOPE = 'openid offline_access user/composition-*.rs patient/composition-*.rs';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const IDP = 'https://idp.scope-rule.example';

type Json = Record<string, any>;

const scopesOf = (scope: unknown) =>
  (typeof scope === 'string' ? scope : '').split(' ').filter(Boolean).sort();
const accessTokenScope = (jwt: string) =>
  scopesOf(JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).scope);

/**
 * The scope rule, per grant (README "Conformance notes" 15): a user flow narrows the request to
 * the registration and grants the rest (nothing left is `invalid_scope`); a refresh may ask for
 * less than its grant, never more; backend services get all they ask for or nothing
 * (`invalid_scope`). Whatever is granted, the token response's `scope` and the access token's
 * say exactly that.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-3.3
 * @see /work/shared/docs/security-requirements.md B.1 item 34, decisions.md item 3
 */
describe('scope rule: what each grant does with a scope outside what the client may get', () => {
  let storage: TestStorage;
  let t: TestApp;
  let tokenUrl: string;
  let userApp: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    tokenUrl = `${t.url}/auth/token`;
    userApp = await saveClient(
      t.app,
      {
        client_name: 'Scope rule app',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
        scope: USER_APP_SCOPE,
      },
      { secret: SECRET },
    );
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const asUserApp = () => ({ authorization: basic(userApp, SECRET) });
  const redeemCode = async (flow: FlowResult): Promise<{ status: number; body: Json }> => {
    const res = await postForm(
      tokenUrl,
      {
        grant_type: 'authorization_code',
        code: flow.callback.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: flow.verifier,
      },
      asUserApp(),
    );
    return { status: res.status, body: (await res.json()) as Json };
  };

  describe('authorization_code: narrowed, the rest granted', () => {
    // Within, wider than, outside the registration; system/ (backend only); unparsable.
    const ASKED =
      'openid user/composition-*.cruds user/aql-*.s system/composition-*.rs user/composition-x.zz';
    const GRANTED = ['openid', 'user/composition-*.rs'];

    it('consent, remembered consent and prompt=none grant the same narrowed scope, and say so', async () => {
      const agent = new UserAgent();
      const first = await authorizeAsUser({ base: t.url, clientId: userApp, scope: ASKED, agent });
      expect(first.pages).toEqual(['login', 'consent']);
      const again = await authorizeAsUser({ base: t.url, clientId: userApp, scope: ASKED, agent });
      expect(again.pages).toEqual([]);
      const silent = await authorizeAsUser({
        base: t.url,
        clientId: userApp,
        scope: ASKED,
        agent,
        extra: { prompt: 'none' },
      });
      for (const flow of [first, again, silent]) {
        expect(flow.callback.searchParams.get('error')).toBeNull();
        const { status, body } = await redeemCode(flow);
        expect(status).toBe(200);
        expect(scopesOf(body.scope)).toEqual(GRANTED);
        expect(accessTokenScope(body.access_token)).toEqual(GRANTED);
      }
    });

    it('nothing within the registration: invalid_scope to the app, before anyone signs in', async () => {
      const flow = await authorizeAsUser({
        base: t.url,
        clientId: userApp,
        scope: 'user/aql-*.s system/composition-*.rs user/composition-x.zz',
      });
      expect(flow.pages).toEqual([]);
      expect(`${flow.callback.origin}${flow.callback.pathname}`).toBe(REDIRECT_URI);
      expect(flow.callback.searchParams.get('error')).toBe('invalid_scope');
      expect(flow.callback.searchParams.get('code')).toBeNull();
      expect(flow.callback.searchParams.get('state')).toBe(flow.state);
    });
  });

  it('refresh_token: more than the original grant is invalid_scope; less is granted exactly', async () => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId: userApp,
      scope: 'openid offline_access user/composition-*.rs',
    });
    const { body } = await redeemCode(flow);
    expect(body.refresh_token).toEqual(expect.any(String));
    const refresh = (scope: string) =>
      postForm(
        tokenUrl,
        { grant_type: 'refresh_token', refresh_token: body.refresh_token, scope },
        asUserApp(),
      );
    for (const more of [
      'user/composition-*.rs patient/composition-*.rs', // registered, but never granted
      'user/composition-*.cruds', // a wider permission
      'user/composition-*.rs user/composition-x.zz', // unparsable
    ]) {
      const res = await refresh(more);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_scope' });
    }
    // A refused refresh used nothing up: the token still narrows.
    const less = await refresh('user/composition-*.rs');
    const narrowed = (await less.json()) as Json;
    expect(less.status).toBe(200);
    expect(narrowed.scope).toBe('user/composition-*.rs');
    expect(accessTokenScope(narrowed.access_token)).toEqual(['user/composition-*.rs']);
  });

  describe('backend services: all or nothing', () => {
    let idp: CryptoKey;

    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
      idp = privateKey;
      await t.app.get(TrustedIssuerService).save({
        issuer: IDP,
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES384' }] },
        allowedSubjects: ['Practitioner/*'],
        allowedScope: 'user/composition-*.rs user/aql-*.s',
        createdAt: Date.now(),
      });
    });

    type Request = (scope: string) => Promise<Response>;
    /** Per grant and client authentication: its compartment, and a token request for a scope. */
    const VARIANTS: [string, 'system' | 'user', () => Promise<Request>][] = [
      [
        'client_credentials with a client secret',
        'system',
        async () => {
          const clientId = await saveClient(
            t.app,
            {
              token_endpoint_auth_method: 'client_secret_basic',
              grant_types: ['client_credentials'],
              scope: 'system/composition-*.rs',
            },
            { secret: SECRET },
          );
          return (scope) =>
            postForm(
              tokenUrl,
              { grant_type: 'client_credentials', scope },
              { authorization: basic(clientId, SECRET) },
            );
        },
      ],
      [
        'client_credentials with private_key_jwt',
        'system',
        async () => {
          const client = await makeKeyClient('ES384');
          await registerKeyClient(t.app, client, 'system/composition-*.rs');
          return async (scope) =>
            tokenWithAssertion(tokenUrl, await client.assertion(tokenUrl), scope);
        },
      ],
      [
        'jwt-bearer (RFC 7523 §2.1)',
        'user',
        async () => {
          const client: KeyClient = await makeKeyClient('ES384');
          await saveClient(
            t.app,
            {
              token_endpoint_auth_method: 'private_key_jwt',
              token_endpoint_auth_signing_alg: 'ES384',
              grant_types: [JWT_BEARER],
              jwks: { keys: [client.publicJwk] },
              scope: 'user/composition-*.rs',
            },
            { clientId: client.clientId },
          );
          return async (scope) =>
            postForm(tokenUrl, {
              grant_type: JWT_BEARER,
              assertion: await userAssertion(),
              scope,
              client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
              client_assertion: await client.assertion(tokenUrl),
            });
        },
      ],
    ];

    const userAssertion = () => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES384', kid: 'idp-1' })
        .setIssuer(IDP)
        .setSubject('Practitioner/7')
        .setAudience(tokenUrl)
        .setExpirationTime(now + 120)
        .sign(idp);
    };

    it.each(VARIANTS)('%s', async (_name, c, setUp) => {
      const request = await setUp();
      for (const refused of [
        `${c}/composition-*.rs ${c}/aql-*.s`, // one scope outside the registration
        `${c}/composition-*.cruds`, // a wider permission
        `${c}/composition-*.rs ${c}/composition-x.zz`, // unparsable
      ]) {
        const res = await request(refused);
        expect({ refused, status: res.status }).toEqual({ refused, status: 400 });
        expect(await res.json()).toMatchObject({ error: 'invalid_scope' });
      }
      // Within the registration: granted exactly as asked (a narrower pattern included).
      for (const asked of [`${c}/composition-*.rs`, `${c}/composition-MyHospital::*.r`]) {
        const res = await request(asked);
        const body = (await res.json()) as Json;
        expect(res.status).toBe(200);
        expect(body.scope).toBe(asked);
        expect(accessTokenScope(body.access_token)).toEqual([asked]);
      }
    });
  });
});
