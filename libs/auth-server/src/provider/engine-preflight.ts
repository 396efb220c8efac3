import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { FORM_PARAMS_STATE } from '../security/engine-security.hook.js';

/** The engine's own body limit. */
const BODY_LIMIT = 56 * 1024;
/** At most one forced key refetch per client in this window. */
const REFETCH_COOLDOWN_MS = 10_000;

interface ClientKeys {
  selectForVerify(query: { alg?: string; kid?: string }): unknown[];
  freshUntil?: number;
}

/**
 * The request, with its body readable again: the engine reads the same bytes from the stream
 * as if nobody had read them before (so it neither warns nor parses differently).
 */
function replayBody(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = Readable.from([body]);
  const fromReplay = new Set<PropertyKey>(['readable', 'readableEncoding', 'iterator']);
  return new Proxy(req, {
    get(target, prop) {
      const source = fromReplay.has(prop) ? replay : target;
      const value: unknown = Reflect.get(source, prop, source);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(source)
        : value;
    },
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/**
 * SMART asks for refresh tokens with `offline_access` alone; the engine keeps that scope only
 * with `prompt=consent`, so add it (our consent step then honours remembered decisions).
 * Returns the rewritten parameters, or undefined when nothing changes.
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#scopes-for-requesting-a-refresh-token
 */
export function withConsentForOfflineAccess(params: URLSearchParams): URLSearchParams | undefined {
  const scopes = params.getAll('scope');
  const prompts = params.getAll('prompt');
  if (scopes.length !== 1 || prompts.length > 1) return undefined;
  const prompt = (prompts[0] ?? '').split(' ').filter(Boolean);
  if (
    !scopes[0].split(' ').includes('offline_access') ||
    prompt.includes('none') ||
    prompt.includes('consent')
  ) {
    return undefined;
  }
  const rewritten = new URLSearchParams(params);
  rewritten.set('prompt', [...prompt, 'consent'].join(' '));
  return rewritten;
}

/**
 * Runs before the engine: reads form bodies of the token and authorization endpoints once (the
 * engine then parses the same bytes) so we can act on parameters the engine has no hook for:
 * `offline_access` at the authorization endpoint, and client assertions whose `kid` the cached
 * `jwks_uri` keys lack (marked stale so the engine refetches them, rate limited per client).
 */
export function engineTokenPreflight(provider: Provider, mountPath: string) {
  const lastForced = new Map<string, number>();
  const tokenPath = `${mountPath}/token`;
  const authorizePath = `${mountPath}/authorize`;
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    if (ctx.path === authorizePath && ctx.method === 'GET') {
      const rewritten = withConsentForOfflineAccess(new URLSearchParams(ctx.querystring));
      if (rewritten) ctx.querystring = rewritten.toString();
      return next();
    }
    const isForm = ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded');
    if (ctx.path === authorizePath && ctx.method === 'POST' && !isForm) {
      ctx.status = 400;
      ctx.type = 'text/plain';
      ctx.body =
        'invalid_request: the authorization request must be a form (application/x-www-form-urlencoded)';
      return undefined;
    }
    if (!isForm || (ctx.path !== tokenPath && ctx.path !== authorizePath)) return next();
    const body = await readBody(ctx.req);
    if (!body) {
      ctx.status = 413;
      ctx.body = { error: 'invalid_request', error_description: 'request body too large' };
      return undefined;
    }
    const params = new URLSearchParams(body.toString('utf8'));
    ctx.state[FORM_PARAMS_STATE] = params;
    if (ctx.path === authorizePath) {
      // SMART authorize-post. The engine serves POST only with SameSite=None cookies (HTTPS
      // only), so the form is answered with the same request as a GET (303, never 307).
      const query = withConsentForOfflineAccess(params) ?? params;
      ctx.status = 303;
      ctx.redirect(`${authorizePath}?${query.toString()}`);
      return undefined;
    }
    ctx.req = replayBody(ctx.req, body);
    const assertion = ctx.path === tokenPath ? params.get('client_assertion') : null;
    if (assertion) {
      const problem = await inspectAssertion(provider, assertion, lastForced).catch(
        () => undefined,
      );
      if (problem) {
        ctx.status = 401;
        ctx.body = { error: 'invalid_client', error_description: problem };
        return undefined;
      }
    }
    return next();
  };
}

/** Returns a rule the assertion breaks that the engine would misreport, or undefined. */
async function inspectAssertion(
  provider: Provider,
  assertion: string,
  lastForced: Map<string, number>,
): Promise<string | undefined> {
  let header: { kid?: unknown; alg?: unknown };
  let claims: { iss?: unknown; sub?: unknown };
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    return undefined; // the engine reports the malformed assertion
  }
  // The engine looks the client up by `sub`; a mismatch would read as "client not found".
  if (claims.iss !== claims.sub) return 'sub (JWT subject) must equal iss (the client_id)';
  const { kid, alg } = header;
  const clientId = claims.sub;
  if (typeof kid !== 'string' || typeof alg !== 'string' || typeof clientId !== 'string') {
    return undefined;
  }
  const client = (await provider.Client.find(clientId).catch(() => undefined)) as
    { jwksUri?: string; asymmetricKeyStore: ClientKeys } | undefined;
  if (!client?.jwksUri) return undefined;
  const keys = client.asymmetricKeyStore;
  const now = Date.now();
  const known = keys.selectForVerify({ alg, kid }).length > 0;
  // Keys never fetched are fetched by the engine anyway; force only a refetch of cached keys.
  const cached = keys.freshUntil !== undefined;
  if (!known && cached && now - (lastForced.get(clientId) ?? 0) >= REFETCH_COOLDOWN_MS) {
    lastForced.set(clientId, now);
    keys.freshUntil = 0;
  }
  return undefined;
}
