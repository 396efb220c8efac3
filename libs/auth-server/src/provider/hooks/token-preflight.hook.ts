import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { clientAssertionOf, setFormParams, type DecodedAssertion } from './engine.state.js';
import { oauthEndpointPath, type OAuthEndpoint } from '../../common/smart.routes.js';
import { jsonAnswer, writeToContext } from '../../errors/error.renderer.js';
import { OAuthError } from '../../errors/oauth.error.js';

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

/** How long the body of a token or authorization POST may take to arrive. */
const BODY_TIMEOUT_MS = 10_000;

type BodyRead = Buffer | 'too-large' | 'incomplete' | 'timeout';

/**
 * Reads the whole body, or stops at the limit (checked against Content-Length first). Never
 * destroys the stream: the answer goes out first, then the connection is closed.
 */
function readBody(req: IncomingMessage): Promise<BodyRead> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > BODY_LIMIT) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('aborted', onError);
      if (typeof result === 'string') req.resume();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) finish('too-large');
      else chunks.push(chunk);
    };
    const onEnd = () => finish(req.complete ? Buffer.concat(chunks, size) : 'incomplete');
    const onError = () => finish('incomplete');
    // A body that has fully arrived (the usual small form, in the packet of its headers) cannot
    // stall: no timer for it (a timer per request is measurable on the token endpoint).
    const timer = req.complete ? undefined : setTimeout(() => finish('timeout'), BODY_TIMEOUT_MS);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

/** The answer to a body that could not be read: 413, 408 or 400, and the connection closes. */
function refuseBody(ctx: KoaContextWithOIDC, problem: Exclude<BodyRead, Buffer>): void {
  const error =
    problem === 'too-large'
      ? OAuthError.bodyTooLarge()
      : problem === 'timeout'
        ? OAuthError.bodyTimeout()
        : OAuthError.bodyIncomplete();
  ctx.set('Connection', 'close');
  writeToContext(ctx, jsonAnswer(error));
}

/**
 * SMART asks for refresh tokens with `offline_access` alone; the engine keeps that scope only
 * with `prompt=consent`, so add it (our consent step then honours remembered decisions).
 * Returns the rewritten parameters, or undefined when nothing changes.
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#scopes-for-requesting-a-refresh-token
 */
function withConsentForOfflineAccess(params: URLSearchParams): URLSearchParams | undefined {
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
 * SMART authorize-post, answered in place: the engine runs the request exactly as the same
 * request by GET (every check, the same errors, the interaction redirect), but the parameters
 * never travel in a URL (no redirect carries them, no log or Referer sees them). Method and URL
 * are restored before the answer goes out, so the request is logged as the POST it was.
 *
 * The engine's own POST support is not used: it demands SameSite=None cookies, which browsers
 * take only over HTTPS. With SameSite=Lax cookies a cross-site POST carries no session, so the
 * user signs in again (and `prompt=none` is `login_required`); with SameSite=None (a launcher
 * framing apps over HTTPS) the session is seen as with GET.
 * @see https://hl7.org/fhir/smart-app-launch/app-launch.html#request-authorization-code
 */
async function serveFormAsQuery(
  ctx: KoaContextWithOIDC,
  params: URLSearchParams,
  next: () => Promise<void>,
): Promise<void> {
  const { method, url } = ctx;
  ctx.method = 'GET';
  ctx.querystring = params.toString();
  try {
    await next();
  } finally {
    ctx.method = method;
    ctx.url = url;
  }
}

/**
 * Runs before the engine: reads form bodies of the token and authorization endpoints once (the
 * engine then parses the same bytes) so we can act on parameters the engine has no hook for:
 * `offline_access` at the authorization endpoint, authorization requests by POST (served as the
 * same request by GET, in place), and client assertions whose `kid` the cached
 * `jwks_uri` keys lack (marked stale so the engine refetches them, rate limited per client).
 */
export function engineTokenPreflight(provider: Provider, oauthPath: string) {
  const lastForced = new Map<string, number>();
  const at = (endpoint: OAuthEndpoint) => oauthEndpointPath({ oauth: oauthPath }, endpoint);
  const tokenPath = at('token');
  const authorizePath = at('authorization');
  const parPath = at('pushed_authorization_request');
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    if (ctx.path === authorizePath && ctx.method === 'GET') {
      const rewritten = withConsentForOfflineAccess(new URLSearchParams(ctx.querystring));
      if (rewritten) ctx.querystring = rewritten.toString();
      return next();
    }
    const isForm = ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded');
    if (ctx.path === authorizePath && ctx.method === 'POST' && !isForm) {
      const error = OAuthError.invalidRequest(
        'the authorization request must be a form (application/x-www-form-urlencoded)',
      );
      return writeToContext(ctx, jsonAnswer(error));
    }
    const read = ctx.path === tokenPath || ctx.path === authorizePath || ctx.path === parPath;
    if (!isForm || !read) return next();
    const body = await readBody(ctx.req);
    if (!Buffer.isBuffer(body)) return refuseBody(ctx, body);
    const params = new URLSearchParams(body.toString('utf8'));
    // Parsed once here, the client assertion too; the later hooks read both from the state.
    setFormParams(ctx, params);
    if (ctx.path === authorizePath) {
      return serveFormAsQuery(ctx, withConsentForOfflineAccess(params) ?? params, next);
    }
    ctx.req = replayBody(ctx.req, body);
    if (ctx.path === tokenPath && params.get('client_assertion')) {
      const assertion = clientAssertionOf(ctx);
      const problem = await inspectAssertion(provider, assertion, lastForced).catch(
        () => undefined,
      );
      if (problem) {
        // No challenge: the client authenticated with an assertion, not with HTTP auth.
        return writeToContext(ctx, jsonAnswer(new OAuthError('invalid_client', problem, 401)));
      }
    }
    return next();
  };
}

/** Returns a rule the assertion breaks that the engine would misreport, or undefined. */
async function inspectAssertion(
  provider: Provider,
  assertion: DecodedAssertion | undefined,
  lastForced: Map<string, number>,
): Promise<string | undefined> {
  if (!assertion) return undefined; // the engine reports the malformed assertion
  const { header, claims } = assertion;
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
