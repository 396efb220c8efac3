import type { KoaContextWithOIDC } from 'oidc-provider';

const escapeHtml = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

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
