/** Server-rendered pages of the account page (`management_endpoint`): no JavaScript, forms post. */
import {
  escapeHtml,
  formatTime,
  hiddenField as hidden,
  layout,
  pageTitle,
  type PageView,
} from '../pages/page.layout.js';

/** The sign-in offered to a visitor without a session: the built-in form or the external provider. */
export function accountSignInPage(
  view: PageView,
  p: {
    /** The account page's path (`routes.account`). */
    base: string;
    csrf: string;
    /** The built-in password form, the identity server's button, or both (password first). */
    methods: { password: boolean; external: boolean };
    error?: string;
    username?: string;
  },
): string {
  const m = view.messages.login;
  const error = p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : '';
  const password = p.methods.password
    ? `<form method="post" action="${escapeHtml(p.base)}/login">${hidden('csrf', p.csrf)}
<label for="username">${escapeHtml(m.username)}</label><input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(p.username ?? '')}">
<label for="password">${escapeHtml(m.password)}</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">${escapeHtml(m.submit)}</button></form>`
    : '';
  const external = p.methods.external
    ? `${p.methods.password ? `\n<p>${escapeHtml(m.or)}</p>\n` : ''}<form method="post" action="${escapeHtml(p.base)}/login/idp">${hidden('csrf', p.csrf)}
<button type="submit">${escapeHtml(p.methods.password ? m.identityServer : m.submit)}</button></form>`
    : '';
  return layout(
    view,
    view.messages.signInTo(view.branding.platformName),
    `<h1>${escapeHtml(m.heading)}</h1><p>${escapeHtml(view.messages.account.signInIntro)}</p>
${error}${password}${external}`,
  );
}

/** One app on the account page. */
export interface AccountAppView {
  clientId: string;
  name: string;
  trusted: boolean;
  scopes: { scope: string; description: string }[];
  lastUsedAt?: number;
}

function appSection(
  view: PageView,
  app: AccountAppView,
  i: number,
  csrf: string,
  base: string,
): string {
  const m = view.messages.account;
  const scopes = app.scopes
    .map(
      (s) =>
        `<li>${escapeHtml(s.description)} <span class="scope">(${escapeHtml(s.scope)})</span></li>`,
    )
    .join('');
  const used = app.lastUsedAt ? m.lastUsed(formatTime(app.lastUsedAt)) : m.notUsed;
  const trusted = app.trusted ? `<p>${escapeHtml(m.trusted)}</p>` : '';
  return `<section aria-labelledby="app-${i}"><h2 id="app-${i}">${escapeHtml(app.name)}</h2>
<p>${escapeHtml(used)}</p>${trusted}<p>${escapeHtml(m.canDo)}</p><ul>${scopes || `<li>${escapeHtml(m.signInOnly)}</li>`}</ul>
<form method="post" action="${escapeHtml(base)}/revoke">${hidden('csrf', csrf)}${hidden('client_id', app.clientId)}
<button type="submit" aria-describedby="app-${i}">${escapeHtml(m.revoke)}</button></form></section>`;
}

/** The apps holding access for the signed-in user, each with a revoke button. */
export function accountAppsPage(
  view: PageView,
  p: {
    /** The account page's path (`routes.account`). */
    base: string;
    userName: string;
    csrf: string;
    apps: AccountAppView[];
    logoutUrl: string;
  },
): string {
  const m = view.messages.account;
  const body = p.apps.length
    ? p.apps.map((app, i) => appSection(view, app, i, p.csrf, p.base)).join('\n')
    : `<p>${escapeHtml(m.noApps)}</p>`;
  return layout(
    view,
    pageTitle(view, m.title),
    `<h1>${escapeHtml(m.heading)}</h1>
<p>${escapeHtml(m.signedInAs(p.userName))} <a href="${escapeHtml(p.logoutUrl)}">${escapeHtml(m.signOut)}</a></p>
${body}`,
  );
}
