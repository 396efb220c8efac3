import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Adapter, type KoaContextWithOIDC } from 'oidc-provider';
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
 * A second OpenID Connect provider (node-oidc-provider, in-memory) on a free loopback port, as the
 * external login of the platform: one confidential client whose redirect URI is the platform's
 * `/interaction/callback/idp`, its own small login page (inputs `username` / `password`), and
 * consent given automatically (first-party client). ID tokens carry every claim of the user.
 */
export async function startExternalIdp(options: {
  redirectUri: string;
  users: IdpUser[];
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
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name', 'fhirUser', 'ehrId', 'patient', 'roles'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
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
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
