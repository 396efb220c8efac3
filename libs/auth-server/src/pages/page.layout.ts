/** The shared frame of every server-rendered page (interaction, account, error pages): accessible, no JavaScript. */
import { textColorOn, type PageBranding } from './page.branding.js';
import { messagesFor, type PageLocale } from './page.locale.js';
import type { PageMessages } from './page-messages.types.js';

export const escapeHtml = (s: string | number | boolean | undefined): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
header{display:flex;align-items:center;gap:.75rem;padding-bottom:.5rem;border-bottom:3px solid var(--smart-primary)}
header img{max-height:2.5rem;width:auto}.brand{font-weight:bold}
h1{font-size:1.4rem}label{display:block;margin:.5rem 0}input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem}
button{padding:.5rem 1rem;font-size:1rem;margin:.5rem .5rem 0 0;background:var(--smart-primary);color:var(--smart-on-primary);border:1px solid #1a1a1a;border-radius:4px}
fieldset{border:1px solid #999;padding:.5rem 1rem}dl{display:grid;grid-template-columns:auto 1fr;gap:0 1rem}dd{margin:0}
.error{color:#a00000;font-weight:bold}.scope{font-family:monospace;font-size:.85rem;color:#555}
:focus{outline:3px solid #1a5fb4;outline-offset:2px}
body:has(.console){max-width:64rem}.console h2{font-size:1.15rem;margin-top:1.5rem}.console nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0}
.console nav a[aria-current]{font-weight:bold}.console a{color:#1a4f96}.inline{display:inline}
table{border-collapse:collapse;width:100%;margin:1rem 0}caption{text-align:left;font-weight:bold}
th,td{border-bottom:1px solid #999;padding:.35rem .5rem;text-align:left;vertical-align:top}
select,input[type=search],input[type=number],input[type=url],textarea{padding:.4rem;font-size:1rem;max-width:100%}
textarea{width:100%}.notice{border-left:4px solid var(--smart-primary);padding:.25rem .75rem;background:#f3f3f3}
.secret{font-family:monospace;font-size:1.1rem;word-break:break-all;background:#f3f3f3;padding:.5rem}
.danger{background:#a00000;color:#fff}.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:end}`;

/** What every page is rendered with: its language, that language's texts, the branding. */
export interface PageView {
  locale: PageLocale;
  messages: PageMessages;
  branding: PageBranding;
}

export function pageView(branding: PageBranding, locale: PageLocale): PageView {
  return { locale, messages: messagesFor(locale), branding };
}

function head(branding: PageBranding): string {
  const colors = `:root{--smart-primary:${branding.primaryColor};--smart-on-primary:${textColorOn(branding.primaryColor)}}`;
  const sheet = branding.stylesheetUrl
    ? `\n<link rel="stylesheet" href="${escapeHtml(branding.stylesheetUrl)}">`
    : '';
  return `<style>${colors}\n${STYLE}</style>${sheet}`;
}

function banner(branding: PageBranding): string {
  // The name is written next to the logo, so the logo itself is decorative (empty alt).
  const logo = branding.logoUrl ? `<img src="${escapeHtml(branding.logoUrl)}" alt="">` : '';
  return `<header>${logo}<span class="brand">${escapeHtml(branding.platformName)}</span></header>`;
}

/**
 * The whole document: `title` is the full page title (plain text), `body` the page's content.
 * The host's `branding.template`, when set, places the parts instead of the default frame.
 */
export function layout(view: PageView, title: string, body: string): string {
  const frame = {
    lang: view.locale,
    titleHtml: escapeHtml(title),
    headHtml: head(view.branding),
    headerHtml: banner(view.branding),
    contentHtml: body,
  };
  if (view.branding.template) return view.branding.template(frame);
  return `<!doctype html><html lang="${frame.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${frame.titleHtml}</title>
${frame.headHtml}</head><body>${frame.headerHtml}<main>${frame.contentHtml}</main></body></html>`;
}

/** The title of a page other than the login pages: `Choose a patient – <platform name>`. */
export const pageTitle = (view: PageView, title: string): string =>
  view.messages.pageTitle(title, view.branding.platformName);

/** `2026-03-03 14:05 UTC`: the same for every reader, whatever their browser says. */
export const formatTime = (ms: number): string =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A hidden form field. */
export const hiddenField = (name: string, value: string) =>
  `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

/**
 * A page with a title and one message: notices and error pages. `code` (an error code the
 * page may show, as the engine's error page does) goes in bold above the message.
 */
export function messagePage(view: PageView, title: string, message: string, code?: string): string {
  const shownCode = code === undefined ? '' : `<p><strong>${escapeHtml(code)}</strong></p>`;
  return layout(
    view,
    pageTitle(view, title),
    `<h1>${escapeHtml(title)}</h1>${shownCode}<p>${escapeHtml(message)}</p>`,
  );
}
