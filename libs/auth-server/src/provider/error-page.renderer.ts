import type { KoaContextWithOIDC } from 'oidc-provider';

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

/** The error page for browser requests that cannot be redirected back to the app. */
export function renderErrorPage(
  ctx: KoaContextWithOIDC,
  out: { error?: string; error_description?: string },
): void {
  ctx.type = 'html';
  ctx.set(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  );
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorization error</title></head>
<body><main><h1>Authorization error</h1><p><strong>${escapeHtml(out.error ?? 'server_error')}</strong></p>
<p>${escapeHtml(out.error_description ?? '')}</p></main></body></html>`;
}
