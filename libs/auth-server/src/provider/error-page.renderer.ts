import type { KoaContextWithOIDC } from 'oidc-provider';
import { pageAnswer, writeToContext } from '../errors/error.renderer.js';
import { OAuthError } from '../errors/oauth.error.js';
import { pageHeaders } from '../pages/page.headers.js';
import { escapeHtml, layout } from '../pages/page.layout.js';

/** The engine's own pages (logout), in the shared frame with the shared page headers. */
function page(ctx: KoaContextWithOIDC, title: string, body: string): void {
  ctx.set(pageHeaders({ launcherOrigins: [] }));
  ctx.body = layout(title, `<h1>${escapeHtml(title)}</h1>${body}`);
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
