import { decodeJwt } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SmartContextStore } from '../../launch/smart-context.store.js';
import { addContextToTokenResponse } from '../smart-authorization.rules.js';
import { type HookedEndpointOf, type TokenBody } from './client-identity.reader.js';
import { wasProofReplayed } from './engine.state.js';
import type { Next } from './engine-hook.types.js';

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

/** RFC 7636 §4.1: 43 to 128 unreserved characters (the engine's own format check). */
const VERIFIER_FORMAT = /^[\w.\-~]{43,128}$/;

/**
 * A malformed `code_verifier` can never match the challenge: `invalid_grant` like a wrong one
 * (the engine says `invalid_request`). Decided on the request's verifier.
 * @see https://datatracker.ietf.org/doc/html/rfc7636#section-4.6
 */
function verifierMismatchIsInvalidGrant(ctx: KoaContextWithOIDC, body: TokenBody): void {
  const { grant_type: grantType, code_verifier: verifier } = ctx.oidc?.params ?? {};
  if (
    grantType === 'authorization_code' &&
    body.error === 'invalid_request' &&
    typeof verifier === 'string' &&
    verifier !== '' &&
    !VERIFIER_FORMAT.test(verifier)
  ) {
    body.error = 'invalid_grant';
  }
}

/**
 * Whether the request authenticates with an `Authorization` header the engine cannot read as
 * HTTP Basic (its checks: two parts, scheme `Basic`, base64, a colon), with no `client_secret`
 * in the form (the engine then never looks at the header).
 */
function malformedBasicHeader(ctx: KoaContextWithOIDC): boolean {
  const header = ctx.headers.authorization;
  if (header === undefined || ctx.oidc?.params?.client_secret) return false;
  const parts = header.split(' ');
  if (parts.length !== 2 || parts[0].toLowerCase() !== 'basic') return true;
  if (!isBase64(parts[1])) return true;
  return !Buffer.from(parts[1], 'base64').toString('utf8').includes(':');
}

/** Base64 (RFC 4648 §4) with or without its padding; never empty. */
function isBase64(value: string): boolean {
  const [, data = '', padding = ''] = /^([A-Za-z0-9+/]+)(=*)$/.exec(value) ?? [];
  if (!data) return false;
  if (!padding) return data.length % 4 !== 1;
  return padding.length === 4 - (data.length % 4) && padding.length <= 2;
}

/**
 * A malformed Basic header (not base64, no colon) is failed client authentication: 401
 * `invalid_client` as for a wrong secret (the engine says `invalid_request`), like introspection.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-5.2
 */
function malformedBasicIsInvalidClient(ctx: KoaContextWithOIDC, body: TokenBody): void {
  if (body.error === 'invalid_request' && malformedBasicHeader(ctx)) {
    body.error = 'invalid_client';
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Basic realm="smart"');
  }
}

/** The `jti` of the request's DPoP proof, when it has a readable one. */
function dpopJti(ctx: KoaContextWithOIDC): string | undefined {
  const proof = ctx.headers.dpop;
  if (typeof proof !== 'string') return undefined;
  try {
    const jti = (decodeJwt(proof) as { jti?: unknown }).jti;
    return typeof jti === 'string' ? jti : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A replayed DPoP proof is `invalid_dpop_proof` (the engine says `invalid_grant`): our replay
 * detection saw this proof's `jti` before.
 * @see https://datatracker.ietf.org/doc/html/rfc9449#section-11.1
 */
function dpopReplayIsInvalidProof(ctx: KoaContextWithOIDC, body: TokenBody): void {
  const jti = body.error === 'invalid_grant' ? dpopJti(ctx) : undefined;
  if (jti !== undefined && wasProofReplayed(ctx, jti)) body.error = 'invalid_dpop_proof';
}

/**
 * The one place the token (and PAR) response is shaped after the engine: `Pragma: no-cache`,
 * the error codes the specs name where the engine says another, the launch context of a user
 * grant, and `Retry-After` on 503 (any engine route).
 */
export function tokenResponseHook(contexts: SmartContextStore, endpointOf: HookedEndpointOf) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const endpoint = endpointOf(ctx);
    await next();
    const body = ctx.body as TokenBody | undefined;
    if (ctx.oidc?.route === 'token') {
      ctx.set('Pragma', 'no-cache');
      if (body) reportUnauthorizedGrant(ctx, body);
      await addContextToTokenResponse(ctx, contexts);
    }
    if (endpoint === 'token' && body?.error) {
      verifierMismatchIsInvalidGrant(ctx, body);
      malformedBasicIsInvalidClient(ctx, body);
      dpopReplayIsInvalidProof(ctx, body);
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
