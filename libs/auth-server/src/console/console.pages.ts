/** The admin console's frame and sign-in pages: server-rendered, no script, forms post. */
import {
  escapeHtml,
  hiddenField as hidden,
  layout,
  pageTitle,
  type PageView,
} from '../pages/page.layout.js';

/** The console's sections, in the order of its navigation. */
export type ConsoleSection = 'apps' | 'launches' | 'issuers' | 'keys' | 'audit';
const SECTIONS: readonly ConsoleSection[] = ['apps', 'launches', 'issuers', 'keys', 'audit'];

/** What every signed-in console page shows around its content. */
export interface ConsoleFrame {
  /** The console's path (`routes.console`). */
  base: string;
  userName: string;
  csrf: string;
  section: ConsoleSection;
}

/** A signed-in console page: navigation, who is signed in (with sign-out), the heading, the content. */
export function consolePage(
  view: PageView,
  frame: ConsoleFrame,
  heading: string,
  content: string,
): string {
  const m = view.messages.console;
  const links = SECTIONS.map((s) => {
    const current = s === frame.section ? ' aria-current="page"' : '';
    return `<li><a href="${escapeHtml(`${frame.base}/${s}`)}"${current}>${escapeHtml(m.nav[s])}</a></li>`;
  }).join('');
  return layout(
    view,
    pageTitle(view, `${heading} · ${m.title}`),
    `<div class="console"><nav aria-label="${escapeHtml(m.nav.label)}"><ul>${links}</ul></nav>
<form class="inline" method="post" action="${escapeHtml(frame.base)}/logout">${hidden('csrf', frame.csrf)}
<span>${escapeHtml(m.signedInAs(frame.userName))}</span> <button type="submit">${escapeHtml(m.signOut)}</button></form>
<h1>${escapeHtml(heading)}</h1>
${content}</div>`,
  );
}

/** A short notice (`role="status"`) above a page's content, e.g. after a change. */
export const notice = (text: string | undefined): string =>
  text ? `<p class="notice" role="status">${escapeHtml(text)}</p>` : '';

/** The console's sign-in: the built-in form and/or the identity server's button. */
export function consoleSignInPage(
  view: PageView,
  p: {
    base: string;
    csrf: string;
    password: boolean;
    external: boolean;
    error?: string;
    info?: string;
    username?: string;
  },
): string {
  const m = view.messages;
  const error = p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : '';
  const password = p.password
    ? `<form method="post" action="${escapeHtml(p.base)}/login">${hidden('csrf', p.csrf)}
<label for="username">${escapeHtml(m.login.username)}</label><input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(p.username ?? '')}">
<label for="password">${escapeHtml(m.login.password)}</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">${escapeHtml(m.login.submit)}</button></form>`
    : '';
  const or = p.password && p.external ? `<p>${escapeHtml(m.login.or)}</p>` : '';
  const external = p.external
    ? `<form method="post" action="${escapeHtml(p.base)}/login/idp">${hidden('csrf', p.csrf)}
<button type="submit">${escapeHtml(p.password ? m.login.identityServer : m.login.submit)}</button></form>`
    : '';
  return layout(
    view,
    pageTitle(view, m.console.title),
    `<h1>${escapeHtml(m.console.signIn.heading)}</h1>${notice(p.info)}
<p>${escapeHtml(m.console.signIn.intro)}</p>${error}${password}${or}${external}`,
  );
}

/** A page with a heading, a notice and one link (signed in through the identity server; signed out). */
export function consoleLinkPage(
  view: PageView,
  p: { heading: string; text: string; href: string; link: string },
): string {
  return layout(
    view,
    pageTitle(view, view.messages.console.title),
    `<h1>${escapeHtml(p.heading)}</h1>${notice(p.text)}
<p><a href="${escapeHtml(p.href)}">${escapeHtml(p.link)}</a></p>`,
  );
}
