import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * Runs first in the engine: the engine builds every absolute URL it publishes (discovery,
 * `registration_client_uri`, the logout form, the resume URL, DPoP `htu` and assertion audiences)
 * from the request's host and protocol (`ctx.oidc.urlFor`, `ctx.href`). Pin them to the public
 * URL so no `Host` or `X-Forwarded-*` header can change one; `ctx.secure` follows the protocol.
 */
export function canonicalOrigin(publicUrl: string) {
  const url = new URL(publicUrl);
  const fixed = {
    host: { value: url.host },
    hostname: { value: url.hostname },
    protocol: { value: url.protocol.slice(0, -1) },
  };
  return (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    Object.defineProperties(ctx.request, fixed);
    return next();
  };
}
