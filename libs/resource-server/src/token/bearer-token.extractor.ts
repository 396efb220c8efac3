import type { IncomingHttpHeaders } from 'node:http';

/** A request as far as token extraction is concerned (Express, Fastify raw or node:http). */
export interface HasHeaders {
  headers: IncomingHttpHeaders;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The bearer token of the `Authorization` header (RFC 6750 §2.1), `null` when the request has no
 * `Bearer` credentials, or `''` when the header says `Bearer` but the value is not a valid
 * `b64token` (reported as `invalid_token`). Tokens in the query string or form body are not
 * supported.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function extractBearerToken(request: HasHeaders): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  if (!/^Bearer(\s|$)/i.test(header)) return null;
  return BEARER.exec(header)?.[1] ?? '';
}

/** True when the token has the JWS compact shape `header.payload.signature`. */
export function isJwsCompact(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}
