import type { KoaContextWithOIDC } from 'oidc-provider';
import type { RequestGuardService } from '../../security/request-guard.service.js';
import {
  callerOf,
  claimedClientOf,
  type HookedEndpointOf,
  tokenBodyOf,
} from './client-identity.reader.js';
import type { Next } from './engine-hook.types.js';

/** A failed client authentication at the token or PAR endpoint counts against the caller's IP. */
export function failedAuthHook(guard: RequestGuardService, endpointOf: HookedEndpointOf) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const endpoint = endpointOf(ctx);
    await next();
    if (!endpoint || tokenBodyOf(ctx).error !== 'invalid_client') return;
    const clientId =
      endpoint === 'token'
        ? (ctx.oidc?.client?.clientId ?? claimedClientOf(ctx))
        : claimedClientOf(ctx);
    await guard.recordFailure(callerOf(ctx), { endpoint, clientId });
  };
}
