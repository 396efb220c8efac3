import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import Provider, { type Adapter, type KoaContextWithOIDC } from 'oidc-provider';
import { REDIRECT_URI } from './smart-flow.js';
import { pkce, UserAgent } from './user-agent.js';
// @ts-expect-error -- oidc-provider publishes no types for its in-memory adapter
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';

/** A user of the test identity provider; `password` is checked as given. */
export interface IdpUser {
  username: string;
  password: string;
  claims: Record<string, unknown> & { sub: string };
}

export interface ExternalIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Usernames that signed in, in order. */
  logins: string[];
  /** The session ids (`sid`) of the ID tokens issued, in order. */
  sids: string[];
  /** Signs any JWT with the provider's own key (`kid` `idp-1`, RS256): logout tokens, access tokens. */
  sign: (payload: JWTPayload, header?: { typ?: string; kid?: string }) => Promise<string>;
  close: () => Promise<void>;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><main>${body}</main></body></html>`;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Claims shaped as Keycloak puts them in its tokens: realm roles under `realm_access.roles`,
 * client roles under `resource_access.<client>.roles`, user attributes as top-level claims (what a
 * "User Attribute" mapper makes), `preferred_username` (the username mapper).
 * @see https://www.keycloak.org/docs/latest/server_admin/#_protocol-mappers
 */
export function keycloakClaims(user: {
  sub: string;
  username: string;
  realmRoles?: string[];
  clientRoles?: Record<string, string[]>;
  attributes?: Record<string, unknown>;
}): IdpUser['claims'] {
  return {
    sub: user.sub,
    preferred_username: user.username,
    ...(user.realmRoles ? { realm_access: { roles: user.realmRoles } } : {}),
    ...(user.clientRoles
      ? {
          resource_access: Object.fromEntries(
            Object.entries(user.clientRoles).map(([client, roles]) => [client, { roles }]),
          ),
        }
      : {}),
    ...user.attributes,
  };
}

/** The claims the test provider releases with the `profile` scope (Keycloak's names included). */
const PROFILE_CLAIMS = [
  'name',
  'fhirUser',
  'ehrId',
  'patient',
  'roles',
  'preferred_username',
  'realm_access',
  'resource_access',
];

/**
 * A second OpenID Connect provider (node-oidc-provider, in-memory) on a free loopback port, as the
 * external login of the platform: one confidential client whose redirect URI is the platform's
 * `/interaction/callback/idp`, its own small login page (inputs `username` / `password`), and
 * consent given automatically (first-party client). ID tokens carry every claim of the user.
 */
export async function startExternalIdp(options: {
  redirectUri: string;
  users: IdpUser[];
  /** More claim names released with `profile` (custom attributes such as `ehr_id`). */
  extraClaims?: string[];
  /** Where the `profile` claims go: the ID token (default), or only userinfo (as the spec's default). */
  profileClaimsIn?: 'id_token' | 'userinfo';
}): Promise<ExternalIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const clientId = 'smart-platform';
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  const users = new Map(options.users.map((u) => [u.username, u]));
  const bySub = new Map(options.users.map((u) => [u.claims.sub, u]));
  const logins: string[] = [];

  const provider = new Provider(issuer, {
    adapter: (createMemoryAdapter as () => (name: string) => Adapter)(),
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        // Registered as Keycloak's "Backchannel logout URL" is; ID tokens then carry `sid`.
        backchannel_logout_uri: new URL('/interaction/backchannel-logout', options.redirectUri)
          .href,
        backchannel_logout_session_required: true,
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], profile: [...PROFILE_CLAIMS, ...(options.extraClaims ?? [])] },
    conformIdTokenClaims: options.profileClaimsIn === 'userinfo',
    // Back-channel logout on: ID tokens carry the session id (`sid`), as Keycloak's do.
    features: { devInteractions: { enabled: false }, backchannelLogout: { enabled: true } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const user = bySub.get(sub);
      return user ? { accountId: sub, claims: () => ({ ...user.claims }) } : undefined;
    },
    // A first-party client: consent is implied, the grant holds what it asked for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, params } = ctx.oidc;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session!.grantIdFor(client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({
        clientId: client!.clientId,
        accountId: session.accountId,
      });
      grant.addOIDCScope(String(params!.scope));
      await grant.save();
      return grant;
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, IdToken: 600, AccessToken: 600 },
  });
  const callback = provider.callback();
  const sids: string[] = [];
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const idToken = (ctx.body as { id_token?: string } | undefined)?.id_token;
    if (!idToken) return;
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString()) as {
      sid?: string;
    };
    if (claims.sid) sids.push(claims.sid);
  });

  const interaction = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    const send = (status: number, html: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    };
    const form = (error?: string) =>
      page(
        'Hospital sign-in',
        `<h1>Hospital sign-in</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(details.uid)}">
<label for="u">Username</label><input id="u" name="username" autocomplete="username" required>
<label for="p">Password</label><input id="p" type="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in at the hospital</button></form>`,
      );
    if (req.method === 'GET') return send(200, form());
    const body = await readForm(req);
    const user = users.get(body.get('username') ?? '');
    if (!user || user.password !== body.get('password')) return send(401, form('Wrong password.'));
    logins.push(user.username);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.claims.sub } },
      { mergeWithLastSubmission: false },
    );
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    const handled = path.startsWith('/interaction/') ? interaction(req, res) : callback(req, res);
    void Promise.resolve(handled).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(err.message);
    });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    logins,
    sids,
    sign: (payload, header = {}) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: header.kid ?? 'idp-1', typ: header.typ })
        .sign(privateKey),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Starts an authorization at the platform (`base`) and signs in at the provider; returns where
 * the browser is then (the platform's `/interaction/callback/idp?...`) and the PKCE verifier. The
 * provider runs on another port of the same host here, so its cookies go to their own jar, as
 * they would for a provider on its own host.
 */
export async function signInThroughIdp(o: {
  base: string;
  idp: ExternalIdp;
  clientId: string;
  agent: UserAgent;
  scope: string;
  username: string;
  password: string;
  state?: string;
}): Promise<{ url: string; verifier: string }> {
  const atIdp = new UserAgent();
  const { verifier, challenge } = pkce();
  const toIdp = await o.agent.follow(
    `${o.base}/auth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: o.clientId,
      redirect_uri: REDIRECT_URI,
      scope: o.scope,
      state: o.state ?? 'st-ext',
      aud: o.base,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString()}`,
    o.base,
  );
  if (!toIdp.url.startsWith(`${o.idp.issuer}/auth?`)) {
    throw new Error(`not sent to the provider: ${toIdp.res.status} ${toIdp.url}`);
  }
  const login = await atIdp.follow(toIdp.url, o.idp.issuer);
  const html = await login.res.text();
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1], o.idp.issuer).href;
  const posted = await atIdp.submit(action, { username: o.username, password: o.password });
  const back = await atIdp.follow(
    new URL(posted.headers.get('location')!, action).href,
    o.idp.issuer,
  );
  return { url: back.url, verifier };
}
