import type Provider from 'oidc-provider';

/**
 * The engine builds every absolute URL it publishes (discovery, `registration_client_uri`, the
 * logout form, the resume URL, DPoP `htu` and assertion audiences) from the request's host and
 * protocol (`ctx.oidc.urlFor`, `ctx.href`). Pin them to the public URL so no `Host` or
 * `X-Forwarded-*` header can change one; `ctx.secure` follows the protocol. Done once on the
 * engine's request prototype (every request's `ctx.request` inherits from it), not per request:
 * defining properties on each request object cost ~14 µs and slowed every later read of it.
 */
export function pinCanonicalOrigin(provider: Provider, publicUrl: string): void {
  const url = new URL(publicUrl);
  Object.defineProperties((provider as unknown as { request: object }).request, {
    host: { value: url.host },
    hostname: { value: url.hostname },
    protocol: { value: url.protocol.slice(0, -1) },
  });
}
