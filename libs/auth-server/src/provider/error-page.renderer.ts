import type { KoaContextWithOIDC } from 'oidc-provider';
import { pageAnswer, writeToContext } from '../errors/error.renderer.js';
import { OAuthError } from '../errors/oauth.error.js';

const escapeHtml = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

function page(ctx: KoaContextWithOIDC, title: string, body: string): void {
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** The RP-initiated logout confirmation: the engine's form (with its CSRF field) and a button. */
export function logoutSource(ctx: KoaContextWithOIDC, form: string): void {
  page(
    ctx,
    'Sign out',
    `<p>Do you want to sign out?</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

/** Shown after a logout that has no registered post-logout redirect. */
export function postLogoutSuccessSource(ctx: KoaContextWithOIDC): void {
  page(ctx, 'Signed out', '<p>You are signed out.</p>');
}

/**
 * The engine's `renderError` hook: the error page for browser requests that cannot be redirected
 * back to the app, through the one renderer (`renderPage`'s markup and headers). The engine's
 * `out` carries only its own safe texts; it is shown with its code. Never framable, launchers
 * included (the page belongs to no launch).
 */
export function renderErrorPage(
  ctx: KoaContextWithOIDC,
  out: { error?: string; error_description?: string },
  _error?: unknown,
): void {
  const description = out.error_description ?? '';
  const err = new OAuthError(out.error ?? 'server_error', description, ctx.status).shownOnPage(
    'Authorization error',
    description,
    true,
  );
  writeToContext(ctx, pageAnswer(err, { launcherOrigins: [] }));
}
