import type { IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import {
  requestIdOf,
  tooManyRequestsBody,
  type CallerInfo,
  type RequestGuardService,
} from './request-guard.service.js';
import type { GrantAccessTokensService } from './grant-access-tokens.service.js';
import type { SecurityEventsService } from './security-events.service.js';
import type { SecurityEventType } from './security-event.types.js';

/** Where the engine preflight leaves the form parameters it parsed (token and authorize POSTs). */
export const FORM_PARAMS_STATE = 'smartFormParams';
/** Where the `grant.revoked` listener marks a grant the engine revoked during this request. */
export const GRANT_REVOKED_STATE = 'smartGrantRevoked';

interface TokenEntity {
  accountId?: string;
  grantId?: string;
  jti?: string;
}

/** The part of the engine's Koa context this hook reads (no import of the engine here). */
export interface EngineContext {
  path: string;
  method: string;
  status: number;
  body: unknown;
  ip: string;
  req: IncomingMessage & { id?: unknown };
  state: Record<string, unknown>;
  get(name: string): string;
  set(name: string, value: string): void;
  oidc?: {
    client?: { clientId: string };
    params?: Record<string, unknown>;
    entities?: Record<string, TokenEntity | undefined>;
  };
}

export interface EngineSecurityDependencies {
  guard: RequestGuardService;
  events: SecurityEventsService;
  oauthPath: string;
  /** Revokes a grant and every token stored for it. */
  revokeGrant(grantId: string): Promise<void>;
  /** The grant id of an authorization code (consumed or not). */
  grantOfCode(code: string): Promise<string | undefined>;
  /** Remembers and revokes the (unstored) JWT access tokens of user grants. */
  grantTokens: Pick<GrantAccessTokensService, 'remember' | 'revokeGrant'>;
}

type TokenBody = {
  error?: string;
  error_description?: string;
  access_token?: string;
  scope?: string;
  ehrId?: string;
};

/** The client a token request names before it is authenticated (Basic user, client_id, assertion sub). */
export function claimedClientId(
  params: URLSearchParams | undefined,
  authorization: string | undefined,
): string | undefined {
  if (authorization && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      try {
        return decodeURIComponent(decoded.slice(0, colon));
      } catch {
        return undefined;
      }
    }
  }
  const id = params?.get('client_id');
  if (id) return id;
  const assertion = params?.get('client_assertion');
  if (!assertion) return undefined;
  try {
    const sub = decodeJwt(assertion).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

const REPLAY_OF: Record<string, SecurityEventType> = {
  authorization_code: 'code.replay',
  refresh_token: 'refresh_token.reuse',
};

/**
 * Engine middleware (install right after the preflight) for the token and PAR endpoints: refuses
 * a client over its token limit before the engine runs; afterwards counts the client, counts a
 * failed client authentication against the caller's IP, reports the security event, and
 * revokes the grant when a code or refresh token was presented twice (also when the second use
 * lost a race the engine reports as a plain `invalid_grant`).
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-10.5
 * @see https://datatracker.ietf.org/doc/html/rfc9700#section-4.14.2
 */
export function engineSecurityHook(deps: EngineSecurityDependencies) {
  const tokenPath = `${deps.oauthPath}/token`;
  const parPath = `${deps.oauthPath}/par`;
  return async (ctx: EngineContext, next: () => Promise<void>): Promise<void> => {
    if (ctx.method !== 'POST' || (ctx.path !== tokenPath && ctx.path !== parPath)) return next();
    const caller: CallerInfo = { ip: ctx.ip, requestId: requestIdOf(ctx.req) };
    if (ctx.path === parPath) {
      await next();
      await afterPar(ctx, caller, deps);
      return;
    }
    const params = ctx.state[FORM_PARAMS_STATE] as URLSearchParams | undefined;
    const claimed = claimedClientId(params, ctx.get('authorization') || undefined);
    const blocked = deps.guard.clientBlock(claimed);
    if (blocked) {
      ctx.status = 429;
      ctx.set('Retry-After', String(blocked.retryAfterSeconds));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = tooManyRequestsBody(blocked);
      return;
    }
    await next();
    await afterToken(ctx, caller, deps, claimed);
  };
}

async function afterPar(
  ctx: EngineContext,
  caller: CallerInfo,
  deps: EngineSecurityDependencies,
): Promise<void> {
  const body = ctx.body as TokenBody | undefined;
  // RFC 9126 §2.1: request_uri must not be pushed; that is a malformed request.
  if (body?.error === 'request_uri_not_supported') body.error = 'invalid_request';
  if (body?.error !== 'invalid_client') return;
  const params = ctx.state[FORM_PARAMS_STATE] as URLSearchParams | undefined;
  const clientId = claimedClientId(params, ctx.get('authorization') || undefined);
  await deps.guard.recordFailure(caller, { endpoint: 'par', clientId });
  deps.events.emit({
    type: 'client_auth.failure',
    outcome: 'failure',
    clientId,
    ...caller,
    reason: describe(body),
    details: { endpoint: 'par' },
  });
}

/**
 * A malformed `code_verifier` can never match the challenge: `invalid_grant` like a wrong one
 * (the engine says `invalid_request`).
 * @see https://datatracker.ietf.org/doc/html/rfc7636#section-4.6
 */
function verifierMismatchIsInvalidGrant(body: TokenBody, grantType: string | undefined): void {
  if (
    grantType === 'authorization_code' &&
    body.error === 'invalid_request' &&
    /^code_verifier /.test(body.error_description ?? '')
  ) {
    body.error = 'invalid_grant';
  }
}

/**
 * A malformed Basic header (not base64, no colon) is failed client authentication: 401
 * `invalid_client` as for a wrong secret (the engine says `invalid_request`), like introspection.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-5.2
 */
/**
 * A replayed DPoP proof is `invalid_dpop_proof` (the engine says `invalid_grant`).
 * @see https://datatracker.ietf.org/doc/html/rfc9449#section-11.1
 */
function dpopReplayIsInvalidProof(body: TokenBody): void {
  if (
    body.error === 'invalid_grant' &&
    body.error_description === 'DPoP proof JWT Replay detected'
  ) {
    body.error = 'invalid_dpop_proof';
  }
}

function malformedBasicIsInvalidClient(ctx: EngineContext, body: TokenBody): void {
  if (
    body.error === 'invalid_request' &&
    body.error_description === 'invalid authorization header value format'
  ) {
    body.error = 'invalid_client';
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Basic realm="smart"');
  }
}

async function afterToken(
  ctx: EngineContext,
  caller: CallerInfo,
  deps: EngineSecurityDependencies,
  claimed: string | undefined,
): Promise<void> {
  const body = (ctx.body ?? {}) as TokenBody;
  const client = ctx.oidc?.client?.clientId;
  const grantType =
    typeof ctx.oidc?.params?.grant_type === 'string' ? ctx.oidc.params.grant_type : undefined;
  const entities = ctx.oidc?.entities ?? {};
  const userId =
    entities.AccessToken?.accountId ??
    entities.Account?.accountId ??
    entities.RefreshToken?.accountId ??
    entities.AuthorizationCode?.accountId;
  const base = {
    clientId: client ?? claimed,
    userId,
    ...caller,
    details: { grant_type: grantType },
  };
  if (ctx.status === 200 && body.access_token) {
    if (client) await deps.guard.countClient(client, caller);
    await rememberGrantToken(body.access_token, entities.Grant, deps);
    deps.events.emit({
      type: 'token.issued',
      outcome: 'success',
      ...base,
      ehrId: typeof body.ehrId === 'string' ? body.ehrId : undefined,
      scopes: body.scope,
    });
    return;
  }
  if (!body.error) return;
  verifierMismatchIsInvalidGrant(body, grantType);
  malformedBasicIsInvalidClient(ctx, body);
  dpopReplayIsInvalidProof(body);
  const reason = describe(body);
  if (body.error === 'invalid_client') {
    await deps.guard.recordFailure(caller, { endpoint: 'token', clientId: base.clientId });
    const replay = /only be used once/.test(body.error_description ?? '');
    deps.events.emit({
      type: replay ? 'assertion.replay' : 'client_auth.failure',
      outcome: 'failure',
      ...base,
      reason,
    });
    return;
  }
  if (client) await deps.guard.countClient(client, caller);
  const replayType = grantType ? REPLAY_OF[grantType] : undefined;
  const revokedByEngine = ctx.state[GRANT_REVOKED_STATE] as string | undefined;
  const raced =
    body.error === 'invalid_grant' && /already (used|consumed)/.test(body.error_description ?? '');
  if (replayType && (revokedByEngine || raced)) {
    const grantId = revokedByEngine ?? (await grantOf(ctx, grantType!, deps));
    if (grantId && !revokedByEngine) await deps.revokeGrant(grantId).catch(() => undefined);
    if (grantId) await deps.grantTokens.revokeGrant(grantId).catch(() => undefined);
    deps.events.emit({
      type: replayType,
      outcome: 'failure',
      ...base,
      reason,
      details: { grant_type: grantType, grantRevoked: Boolean(grantId) },
    });
    return;
  }
  deps.events.emit(
    { type: 'token.refused', outcome: 'failure', ...base, reason },
    // A 5xx means the database is likely unreachable: log it, do not try to store it.
    ctx.status >= 500 ? { audit: false } : {},
  );
}

/** Links a user grant's new JWT access token to the grant (best effort: the token is issued). */
async function rememberGrantToken(
  accessToken: string,
  grant: (TokenEntity & { jti?: string }) | undefined,
  deps: EngineSecurityDependencies,
): Promise<void> {
  if (!grant?.jti) return;
  try {
    const { jti, exp } = decodeJwt(accessToken);
    if (typeof jti === 'string' && typeof exp === 'number') {
      await deps.grantTokens.remember(jti, grant.jti, exp);
    }
  } catch {
    // Not a JWT, or the database is unavailable: nothing to link.
  }
}

async function grantOf(
  ctx: EngineContext,
  grantType: string,
  deps: EngineSecurityDependencies,
): Promise<string | undefined> {
  const entities = ctx.oidc?.entities ?? {};
  if (grantType === 'refresh_token') return entities.RefreshToken?.grantId;
  const code = ctx.oidc?.params?.code;
  return typeof code === 'string' ? deps.grantOfCode(code).catch(() => undefined) : undefined;
}

function describe(body: TokenBody): string {
  return body.error_description ? `${body.error}: ${body.error_description}` : String(body.error);
}
