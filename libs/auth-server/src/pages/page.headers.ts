import type { IncomingMessage, ServerResponse } from 'node:http';
import { brandingOrigins, type PageBranding } from './page.branding.js';
import { pageView, type PageView } from './page.layout.js';
import { negotiateLocale } from './page.locale.js';

/**
 * What every page depends on besides its content: the origins that may frame it (SMART
 * launchers) and the branding (its logo and stylesheet origins join the CSP). The resolved
 * options are one.
 */
export interface PageSettings {
  readonly launcherOrigins: readonly string[];
  readonly branding: PageBranding;
}

/**
 * The headers of every server-rendered page: no caching, no referrer, framing only by the
 * platform's registered launcher origins (`frame-ancestors 'none'` otherwise), and styles and
 * images from the page itself plus exactly the configured stylesheet and logo origins.
 * @see https://datatracker.ietf.org/doc/html/rfc9700#section-4.16
 */
export function pageHeaders(settings: PageSettings): Record<string, string> {
  const framers = settings.launcherOrigins;
  const ancestors = framers.length ? framers.join(' ') : "'none'";
  const origins = brandingOrigins(settings.branding);
  const styles = ["'unsafe-inline'", ...origins.style].join(' ');
  const images = ["'self'", 'data:', ...origins.img].join(' ');
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src ${styles}; img-src ${images}; frame-ancestors ${ancestors}; base-uri 'none'`,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    ...(framers.length ? {} : { 'X-Frame-Options': 'DENY' }),
  };
}

/**
 * The view (language, texts, branding) of a page answering `req`: the language from
 * `uiLocales` (an interaction's `ui_locales`), then `Accept-Language`, then English.
 */
export const requestView = (
  settings: PageSettings,
  req: IncomingMessage | undefined,
  uiLocales?: unknown,
): PageView =>
  pageView(
    settings.branding,
    negotiateLocale({ uiLocales, acceptLanguage: req?.headers['accept-language'] }),
  );

/**
 * Sends a page with its security headers (`pageHeaders`) and `Content-Language`. Error pages go
 * through `renderPage` in `errors/error.renderer.ts`, which uses the same headers.
 */
export function sendPage(
  res: ServerResponse,
  settings: PageSettings,
  view: PageView,
  html: string,
  status = 200,
) {
  res.statusCode = status;
  const headers = { ...pageHeaders(settings), 'Content-Language': view.locale };
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(html);
}
