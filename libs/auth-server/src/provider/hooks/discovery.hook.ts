import type { KoaContextWithOIDC } from 'oidc-provider';
import { DISCOVERY_CACHE_CONTROL } from '../../discovery/discovery-metadata.builder.js';
import type { Next } from './engine-hook.types.js';

/**
 * The openid-configuration: one source with the smart-configuration for every member both
 * carry (and the endpoints we serve beside the engine); cacheable like it, `Vary: Origin` kept.
 */
export function discoveryHook(shared: Record<string, unknown>) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    await next();
    if (ctx.oidc?.route === 'discovery' && ctx.status === 200) {
      Object.assign(ctx.body as object, shared);
      ctx.set('Cache-Control', DISCOVERY_CACHE_CONTROL);
    }
  };
}
