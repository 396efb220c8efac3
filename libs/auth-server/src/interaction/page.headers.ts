import type { Response } from 'express';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';

/**
 * Sends an interaction page with its security headers: no caching, no referrer, and framing only
 * by the platform's registered launcher origins (`frame-ancestors 'none'` otherwise).
 * @see https://datatracker.ietf.org/doc/html/rfc9700#section-4.16
 */
export function sendPage(
  res: Response,
  options: ResolvedSmartAuthServerOptions,
  html: string,
  status = 200,
): void {
  const ancestors = options.launcherOrigins.length ? options.launcherOrigins.join(' ') : "'none'";
  res.status(status).set({
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors ${ancestors}; base-uri 'none'`,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    ...(options.launcherOrigins.length ? {} : { 'X-Frame-Options': 'DENY' }),
  });
  res.send(html);
}
