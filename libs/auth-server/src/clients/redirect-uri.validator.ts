import { ClientMetadataError } from '../errors/client-metadata.error.js';

/** Loopback hosts where plain `http` is allowed (RFC 8252 section 7.3; `localhost` tolerated). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Schemes that are never a redirect target. */
const FORBIDDEN_SCHEMES = new Set([
  'javascript',
  'data',
  'vbscript',
  'file',
  'about',
  'blob',
  'filesystem',
  'ws',
  'wss',
  'ftp',
  'mailto',
]);

/** A private-use scheme in reverse-domain form, e.g. `com.example.app` (RFC 8252 section 7.1). */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/;

const MAX_URI_LENGTH = 2000;

export type RedirectUriKind = 'https' | 'loopback' | 'private-use';

const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname);

/**
 * Checks one redirect URI: absolute, no fragment, no user info, no whitespace; `https`, or
 * `http` on a loopback host, or a private-use scheme for native apps (`com.example.app:/cb`).
 * Throws `ClientMetadataError` naming `field`.
 * @see https://datatracker.ietf.org/doc/html/rfc9700#section-2.1
 * @see https://datatracker.ietf.org/doc/html/rfc8252#section-7
 */
export function classifyRedirectUri(uri: string, field = 'redirect_uris'): RedirectUriKind {
  const fail = (problem: string) => new ClientMetadataError(field, `${uri} ${problem}`);
  if (uri.length > MAX_URI_LENGTH) throw fail(`is longer than ${MAX_URI_LENGTH} characters`);
  if (/[\s\p{Cc}]/u.test(uri)) throw fail('must not contain whitespace or control characters');
  if (uri.includes('#')) throw fail('must not contain a fragment');
  const url = URL.parse(uri);
  if (!url) throw fail('is not an absolute URI');
  if (url.username || url.password) throw fail('must not contain user information');
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') {
    if (!url.hostname) throw fail('must name a host');
    return 'https';
  }
  if (scheme === 'http') {
    if (!isLoopbackHost(url.hostname)) {
      throw fail('must use https (http is allowed only for 127.0.0.1, [::1] and localhost)');
    }
    return 'loopback';
  }
  if (FORBIDDEN_SCHEMES.has(scheme) || !PRIVATE_USE_SCHEME.test(scheme)) {
    throw fail('must use https, http on a loopback host, or a reverse-domain private-use scheme');
  }
  return 'private-use';
}

/**
 * Checks a list of redirect URIs and derives `application_type`: `native` when a private-use
 * scheme is present (the engine then refuses `https` on loopback hosts), otherwise `web`.
 */
export function validateRedirectUris(
  uris: readonly string[],
  requestedType: 'web' | 'native' | undefined,
): 'web' | 'native' {
  const kinds = uris.map((uri) => classifyRedirectUri(uri));
  const native = requestedType === 'native' || kinds.includes('private-use');
  if (requestedType === 'web' && kinds.includes('private-use')) {
    throw new ClientMetadataError(
      'application_type',
      'web clients cannot register private-use scheme redirect URIs (use native)',
    );
  }
  if (native) {
    const https = uris.find((u, i) => kinds[i] === 'https' && isLoopbackHost(new URL(u).hostname));
    if (https) {
      throw new ClientMetadataError(
        'redirect_uris',
        `${https} must not use https on a loopback host in a native client (use http)`,
      );
    }
  }
  return native ? 'native' : 'web';
}
