import type { IncomingMessage } from 'node:http';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';

/** The headers every answer carries unless its route sets its own (interaction pages do). */
export interface SecurityHeaderSet {
  /** Sent on every answer. */
  always: Record<string, string>;
  /** Added when the request came over HTTPS (or the issuer is https). */
  https: Record<string, string>;
}

/**
 * The default security headers: a CSP that allows nothing foreign (scripts, styles, images and
 * fetches from this origin only, inline styles for the engine's pages), framing only by the
 * platform's launcher origins, no referrer, no MIME sniffing, and HSTS over HTTPS.
 * @see https://datatracker.ietf.org/doc/html/rfc9700#section-4.16
 * @see https://datatracker.ietf.org/doc/html/rfc6797
 */
export function securityHeaderSet(options: ResolvedSmartAuthServerOptions): SecurityHeaderSet {
  const framers = options.launcherOrigins;
  const ancestors = framers.length ? framers.join(' ') : "'none'";
  const always: Record<string, string> = {
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      `frame-ancestors ${ancestors}`,
      "base-uri 'none'",
    ].join('; '),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    ...(framers.length ? {} : { 'X-Frame-Options': 'DENY' }),
  };
  const maxAge = options.securityHeaders.hstsMaxAgeSeconds;
  const https: Record<string, string> =
    maxAge > 0 ? { 'Strict-Transport-Security': `max-age=${maxAge}` } : {};
  return { always, https };
}

/**
 * Whether the request reached us over HTTPS: the socket's TLS, or with a trusted proxy the first
 * `X-Forwarded-Proto` (what Express' `req.secure` says under `trust proxy`, without Express).
 */
export function requestIsSecure(req: IncomingMessage, trustProxy: boolean): boolean {
  const own = (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  if (!trustProxy) return own === 'https';
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = typeof forwarded === 'string' && forwarded ? forwarded : own;
  return proto.split(',')[0].trim() === 'https';
}
