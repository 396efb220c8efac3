import type { KoaContextWithOIDC } from 'oidc-provider';
import { oauthEndpointPath } from '../../common/smart.routes.js';
import { requestIdOf, type CallerInfo } from '../../security/request-guard.service.js';
import {
  clientAssertionOf,
  decodeAssertion,
  formParamsOf,
  type DecodedAssertion,
} from './engine.state.js';

/**
 * The client a token request names before it is authenticated (Basic user, client_id, assertion
 * sub). `assertion` is the decoded `client_assertion` (decoded from `params` when not given).
 */
export function claimedClientId(
  params: URLSearchParams | undefined,
  authorization: string | undefined,
  assertion: DecodedAssertion | undefined = decodeAssertion(params?.get('client_assertion')),
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
  const sub = assertion?.claims.sub;
  return typeof sub === 'string' ? sub : undefined;
}

/** The claimed client of an engine request, from the state the preflight left. */
export function claimedClientOf(ctx: KoaContextWithOIDC): string | undefined {
  return claimedClientId(
    formParamsOf(ctx),
    ctx.get('authorization') || undefined,
    clientAssertionOf(ctx),
  );
}

/** Who called (IP and request id), for limits and security events. */
export function callerOf(ctx: KoaContextWithOIDC): CallerInfo {
  return { ip: ctx.ip, requestId: requestIdOf(ctx.req) };
}

/** The endpoints whose answers our token hooks act on. */
type HookedEndpoint = 'token' | 'par';

/** Which of our hooked endpoints a request is: a token or PAR POST, or neither. */
export type HookedEndpointOf = (ctx: KoaContextWithOIDC) => HookedEndpoint | undefined;

/**
 * The {@link HookedEndpointOf} of the engine mounted at `oauthPath`: the two paths are built here,
 * once at install time, not on every request.
 */
export function hookedEndpoints(oauthPath: string): HookedEndpointOf {
  const tokenPath = oauthEndpointPath({ oauth: oauthPath }, 'token');
  const parPath = oauthEndpointPath({ oauth: oauthPath }, 'pushed_authorization_request');
  return (ctx) => {
    if (ctx.method !== 'POST') return undefined;
    const path = ctx.path;
    if (path === tokenPath) return 'token';
    if (path === parPath) return 'par';
    return undefined;
  };
}

/** The token or error body of a token/PAR answer (a loose record). */
export type TokenBody = {
  error?: string;
  error_description?: string;
  access_token?: string;
  scope?: string;
  ehrId?: string;
};

export function tokenBodyOf(ctx: KoaContextWithOIDC): TokenBody {
  return ctx.body ?? {};
}

/** The grant type of the request, once the engine parsed it. */
export function grantTypeOf(ctx: KoaContextWithOIDC): string | undefined {
  const grantType = ctx.oidc?.params?.grant_type;
  return typeof grantType === 'string' ? grantType : undefined;
}

/** `error: description` for events. */
export function describeError(body: TokenBody): string {
  return body.error_description ? `${body.error}: ${body.error_description}` : String(body.error);
}
