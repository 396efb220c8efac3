import type { KoaContextWithOIDC } from 'oidc-provider';
import { pageAnswer, writeToContext } from '../errors/error.renderer.js';
import { OAuthError, showOnPage } from '../errors/oauth.error.js';
import { pageHeaders, requestView, type PageSettings } from '../pages/page.headers.js';
import { escapeHtml, layout, pageTitle, type PageView } from '../pages/page.layout.js';

/** The engine's pages are never framable, launchers included (they belong to no launch). */
const unframed = (settings: PageSettings): PageSettings => ({ ...settings, launcherOrigins: [] });

/** The page's view: `ui_locales` of the request (logout and authorization take it), else `Accept-Language`. */
const viewOf = (ctx: KoaContextWithOIDC, settings: PageSettings): PageView =>
  requestView(settings, ctx.req, ctx.oidc?.params?.ui_locales);

/** The engine's own pages (logout), in the shared frame with the shared page headers. */
function page(
  ctx: KoaContextWithOIDC,
  view: PageView,
  settings: PageSettings,
  title: string,
  body: string,
): void {
  ctx.set({ ...pageHeaders(unframed(settings)), 'Content-Language': view.locale });
  ctx.body = layout(view, pageTitle(view, title), `<h1>${escapeHtml(title)}</h1>${body}`);
}

/** The RP-initiated logout confirmation: the engine's form (with its CSRF field) and a button. */
export function logoutSource(settings: PageSettings) {
  return (ctx: KoaContextWithOIDC, form: string): void => {
    const view = viewOf(ctx, settings);
    const m = view.messages.logout;
    page(
      ctx,
      view,
      settings,
      m.title,
      `<p>${escapeHtml(m.question)}</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">${escapeHtml(m.confirm)}</button>
<button type="submit" form="op.logoutForm">${escapeHtml(m.stay)}</button>`,
    );
  };
}

/** Shown after a logout that has no registered post-logout redirect. */
export function postLogoutSuccessSource(settings: PageSettings) {
  return (ctx: KoaContextWithOIDC): void => {
    const view = viewOf(ctx, settings);
    const m = view.messages.logout;
    page(ctx, view, settings, m.doneTitle, `<p>${escapeHtml(m.done)}</p>`);
  };
}

/**
 * The engine's `renderError` hook: the error page for browser requests that cannot be redirected
 * back to the app, through the one renderer (`renderPage`'s markup and headers). The engine's
 * `out` carries only its own safe (English) texts; it is shown with its code under a title in
 * the page's language.
 */
export function renderErrorPage(
  ctx: KoaContextWithOIDC,
  out: { error?: string; error_description?: string },
  settings: PageSettings,
): void {
  const description = out.error_description ?? '';
  const err = showOnPage(
    new OAuthError(out.error ?? 'server_error', description, ctx.status),
    (m) => ({ title: m.errors.authorizationTitle, message: description }),
    true,
  );
  writeToContext(ctx, pageAnswer(err, unframed(settings), viewOf(ctx, settings)));
}
