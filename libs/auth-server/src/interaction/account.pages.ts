/** Server-rendered pages of the account page (`management_endpoint`): no JavaScript, forms post. */
import { escapeHtml, hiddenField as hidden, layout } from '../pages/page.layout.js';

/** `2026-03-03 14:05 UTC`: the same for every reader, whatever their browser says. */
const formatTime = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The sign-in offered to a visitor without a session: the built-in form or the external provider. */
export function accountSignInPage(p: {
  /** The account page's path (`routes.account`). */
  base: string;
  csrf: string;
  method: 'password' | 'external';
  error?: string;
  username?: string;
}): string {
  const error = p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : '';
  const form =
    p.method === 'password'
      ? `<form method="post" action="${escapeHtml(p.base)}/login">${hidden('csrf', p.csrf)}
<label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(p.username ?? '')}">
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`
      : `<form method="post" action="${escapeHtml(p.base)}/login/idp">${hidden('csrf', p.csrf)}
<button type="submit">Sign in</button></form>`;
  return layout(
    'Sign in',
    `<h1>Sign in</h1><p>Sign in to see the apps that can access your health records and to revoke their access.</p>
${error}${form}`,
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

function appSection(app: AccountAppView, i: number, csrf: string, base: string): string {
  const scopes = app.scopes
    .map(
      (s) =>
        `<li>${escapeHtml(s.description)} <span class="scope">(${escapeHtml(s.scope)})</span></li>`,
    )
    .join('');
  const used = app.lastUsedAt
    ? `Last used: ${formatTime(app.lastUsedAt)}.`
    : 'Not used since you approved it.';
  const trusted = app.trusted
    ? '<p>Your provider trusts this app: it gets access without asking you. Revoking ends its current access; it can connect again when you next open it.</p>'
    : '';
  return `<section aria-labelledby="app-${i}"><h2 id="app-${i}">${escapeHtml(app.name)}</h2>
<p>${used}</p>${trusted}<p>It can:</p><ul>${scopes || '<li>Sign you in</li>'}</ul>
<form method="post" action="${escapeHtml(base)}/revoke">${hidden('csrf', csrf)}${hidden('client_id', app.clientId)}
<button type="submit" aria-describedby="app-${i}">Revoke access</button></form></section>`;
}

/** The apps holding access for the signed-in user, each with a revoke button. */
export function accountAppsPage(p: {
  /** The account page's path (`routes.account`). */
  base: string;
  userName: string;
  csrf: string;
  apps: AccountAppView[];
  logoutUrl: string;
}): string {
  const body = p.apps.length
    ? p.apps.map((app, i) => appSection(app, i, p.csrf, p.base)).join('\n')
    : '<p>No app has access to your records.</p>';
  return layout(
    'Your apps',
    `<h1>Apps with access to your records</h1>
<p>Signed in as ${escapeHtml(p.userName)}. <a href="${escapeHtml(p.logoutUrl)}">Sign out</a></p>
${body}`,
  );
}
