import type { ServerResponse } from 'node:http';

/** What the headers of a page depend on: the origins that may frame it (SMART launchers). */
export interface PageFraming {
  readonly launcherOrigins: readonly string[];
}

/**
 * The headers of every server-rendered page: no caching, no referrer, and framing only by the
 * platform's registered launcher origins (`frame-ancestors 'none'` otherwise).
 * @see https://datatracker.ietf.org/doc/html/rfc9700#section-4.16
 */
export function pageHeaders(framing: PageFraming): Record<string, string> {
  const framers = framing.launcherOrigins;
  const ancestors = framers.length ? framers.join(' ') : "'none'";
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors ${ancestors}; base-uri 'none'`,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    ...(framers.length ? {} : { 'X-Frame-Options': 'DENY' }),
  };
}

/**
 * Sends an interaction page with its security headers (`pageHeaders`). Error pages go through
 * `renderPage` in `errors/error.renderer.ts`, which uses the same headers.
 */
export function sendPage(res: ServerResponse, options: PageFraming, html: string, status = 200) {
  res.statusCode = status;
  for (const [name, value] of Object.entries(pageHeaders(options))) res.setHeader(name, value);
  res.end(html);
}
