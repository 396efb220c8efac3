import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SmartContextStore } from '../../launch/smart-context.store.js';
import { addContextToTokenResponse } from '../smart-authorization.js';
import { hookedEndpoint, type TokenBody } from './client-identity.js';

type Next = () => Promise<void>;

/** RFC 6749 §5.2: a grant type the client is not registered for is `unauthorized_client`. */
function reportUnauthorizedGrant(ctx: KoaContextWithOIDC, body: TokenBody): void {
  const grantType = ctx.oidc.params?.grant_type;
  const client = ctx.oidc.client;
  if (
    ctx.status === 400 &&
    body.error === 'invalid_request' &&
    client &&
    typeof grantType === 'string'
  ) {
    if (!client.grantTypeAllowed(grantType)) body.error = 'unauthorized_client';
  }
}

/**
 * A malformed `code_verifier` can never match the challenge: `invalid_grant` like a wrong one
 * (the engine says `invalid_request`).
 * @see https://datatracker.ietf.org/doc/html/rfc7636#section-4.6
 */
function verifierMismatchIsInvalidGrant(body: TokenBody, grantType: unknown): void {
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
function malformedBasicIsInvalidClient(ctx: KoaContextWithOIDC, body: TokenBody): void {
  if (
    body.error === 'invalid_request' &&
    body.error_description === 'invalid authorization header value format'
  ) {
    body.error = 'invalid_client';
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Basic realm="smart"');
  }
}

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

/**
 * The one place the token (and PAR) response is shaped after the engine: `Pragma: no-cache`,
 * the error codes the specs name where the engine says another, the launch context of a user
 * grant, and `Retry-After` on 503 (any engine route).
 */
export function tokenResponseHook(contexts: SmartContextStore, oauthPath: string) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const endpoint = hookedEndpoint(ctx, oauthPath);
    await next();
    const body = ctx.body as TokenBody | undefined;
    if (ctx.oidc?.route === 'token') {
      ctx.set('Pragma', 'no-cache');
      if (body) reportUnauthorizedGrant(ctx, body);
      await addContextToTokenResponse(ctx, contexts);
    }
    if (endpoint === 'token' && body?.error) {
      verifierMismatchIsInvalidGrant(body, ctx.oidc?.params?.grant_type);
      malformedBasicIsInvalidClient(ctx, body);
      dpopReplayIsInvalidProof(body);
    }
    // RFC 9126 §2.1: request_uri must not be pushed; that is a malformed request.
    if (endpoint === 'par' && body?.error === 'request_uri_not_supported') {
      body.error = 'invalid_request';
    }
    if (ctx.status === 503) ctx.set('Retry-After', '5');
  };
}

/** Names the rule that failed (never secrets): the engine keeps it in `error_detail`. */
export function nameFailedRule(
  ctx: KoaContextWithOIDC,
  err: { error_detail?: string; expose?: boolean },
): void {
  const body = ctx.body as { error_description?: string } | undefined;
  if (err.expose && err.error_detail && body && typeof body === 'object') {
    body.error_description = err.error_detail;
  }
}
