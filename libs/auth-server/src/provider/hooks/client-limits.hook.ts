import type { KoaContextWithOIDC } from 'oidc-provider';
import { jsonAnswer, writeToContext } from '../../errors/error.renderer.js';
import { OAuthError } from '../../errors/oauth.error.js';
import type { RequestGuardService } from '../../security/request-guard.service.js';
import {
  callerOf,
  claimedClientOf,
  type HookedEndpointOf,
  tokenBodyOf,
} from './client-identity.reader.js';
import type { Next } from './engine-hook.types.js';

/**
 * Per-client token limits: a client over its limit gets 429 before the engine runs; afterwards
 * every answer to a client that authenticated counts (a failed client authentication counts
 * against the IP instead, see failed-auth.hook.ts).
 */
export function clientLimitsHook(guard: RequestGuardService, endpointOf: HookedEndpointOf) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    if (endpointOf(ctx) !== 'token') return next();
    const blocked = guard.clientBlock(claimedClientOf(ctx));
    if (blocked) {
      return writeToContext(ctx, jsonAnswer(OAuthError.rateLimited(blocked.retryAfterSeconds)));
    }
    await next();
    const body = tokenBodyOf(ctx);
    const client = ctx.oidc?.client?.clientId;
    const issued = ctx.status === 200 && Boolean(body.access_token);
    const refused = !issued && Boolean(body.error) && body.error !== 'invalid_client';
    if (client && (issued || refused)) await guard.countClient(client, callerOf(ctx));
  };
}
