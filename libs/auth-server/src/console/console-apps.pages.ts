/** The console's app pages: the list (search, filters, paging) and one app's page. */
import type { SmartPage } from '../admin/auth-admin.port.js';
import type { ClientViewDto } from '../admin/dto/client-view.dto.js';
import type { AuditEvent } from '../audit/audit.types.js';
import {
  escapeHtml as e,
  hiddenField as hidden,
  type PageView,
  formatTime,
} from '../pages/page.layout.js';
import type { ConsoleMessages } from '../pages/console-messages.types.js';

import { CLIENT_TYPES } from '../clients/client-type.policy.js';
import {
  CLIENT_STATUSES as STATUSES,
  type ClientStatus as AppStatus,
} from '../clients/client.types.js';
import type { SmartClientType as AppClientType } from '../options/auth-server.options.js';

/** The list's query as the filter form and the page links carry it. */
export interface AppsQuery {
  q: string;
  status?: AppStatus;
  type?: AppClientType;
  page: number;
}

const label = (m: ConsoleMessages, status: string) => m.statuses[status as AppStatus] ?? status;
const typeLabel = (m: ConsoleMessages, type: string) =>
  m.clientTypes[type as AppClientType] ?? type;

function select(
  id: string,
  text: string,
  any: string,
  chosen: string | undefined,
  options: [string, string][],
) {
  const items = options
    .map(([v, t]) => `<option value="${e(v)}"${v === chosen ? ' selected' : ''}>${e(t)}</option>`)
    .join('');
  return `<div><label for="${e(id)}">${e(text)}</label><select id="${e(id)}" name="${e(id)}"><option value="">${e(any)}</option>${items}</select></div>`;
}

function queryString(query: AppsQuery, page: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.status) params.set('status', query.status);
  if (query.type) params.set('type', query.type);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The apps: a filter form (GET, nothing changes), a table, links to the other pages. */
export function appsContent(
  view: PageView,
  p: { base: string; query: AppsQuery; result: SmartPage<ClientViewDto>; pageSize: number },
): string {
  const m = view.messages.console;
  const a = m.apps;
  const { query, result } = p;
  const filters = `<form method="get" action="${e(p.base)}/apps" class="filters" role="search" aria-label="${e(a.filters)}">
<div><label for="q">${e(a.search)}</label><input type="search" id="q" name="q" value="${e(query.q)}"></div>
${select(
  'status',
  a.status,
  a.any,
  query.status,
  STATUSES.map((s) => [s, label(m, s)]),
)}
${select(
  'type',
  a.clientType,
  a.any,
  query.type,
  CLIENT_TYPES.map((t) => [t, typeLabel(m, t)]),
)}
<div><button type="submit">${e(a.apply)}</button></div></form>`;
  const rows = result.items
    .map(
      (
        c,
      ) => `<tr><th scope="row"><a href="${e(`${p.base}/apps/${encodeURIComponent(c.client_id)}`)}">${e(c.client_name ?? c.client_id)}</a></th>
<td><code>${e(c.client_id)}</code></td><td>${e(label(m, c.status))}</td><td>${e(typeLabel(m, c.client_type))}</td><td>${e(formatTime(Date.parse(c.created_at)))}</td></tr>`,
    )
    .join('\n');
  const table = result.items.length
    ? `<table><caption>${e(a.count(result.total))}</caption><thead><tr><th scope="col">${e(a.name)}</th><th scope="col">${e(a.clientId)}</th><th scope="col">${e(a.status)}</th><th scope="col">${e(a.clientType)}</th><th scope="col">${e(a.created)}</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : `<p>${e(a.none)}</p>`;
  const pages = Math.max(1, Math.ceil(result.total / p.pageSize));
  const link = (page: number, text: string, rel: string) =>
    `<a rel="${e(rel)}" href="${e(`${p.base}/apps${queryString(query, page)}`)}">${e(text)}</a>`;
  const paging =
    pages > 1
      ? `<nav aria-label="${e(a.pageOf(query.page, pages))}"><p>${query.page > 1 ? link(query.page - 1, a.previous, 'prev') : ''}
<span>${e(a.pageOf(query.page, pages))}</span>
${query.page < pages ? link(query.page + 1, a.next, 'next') : ''}</p></nav>`
      : '';
  return `${filters}\n${table}\n${paging}`;
}

/** One app's registration, the changes an admin can make, and its audit history. */
export function appContent(
  view: PageView,
  p: {
    base: string;
    app: ClientViewDto;
    csrf: string;
    scopes: { scope: string; description: string }[];
    history: AuditEvent[];
    overlapSeconds: number;
  },
): string {
  const m = view.messages.console;
  const { app } = p;
  const at = `${p.base}/apps/${encodeURIComponent(app.client_id)}`;
  const list = (items: string[], none: string) =>
    items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : `<p>${e(none)}</p>`;
  const summary = `<h2>${e(m.app.summary)}</h2><dl>
<dt>${e(m.apps.clientId)}</dt><dd><code>${e(app.client_id)}</code></dd>
<dt>${e(m.apps.status)}</dt><dd>${e(label(m, app.status))}</dd>
<dt>${e(m.apps.clientType)}</dt><dd>${e(typeLabel(m, app.client_type))}</dd>
<dt>${e(m.app.authMethod)}</dt><dd><code>${e(app.token_endpoint_auth_method)}</code></dd>
<dt>${e(m.app.trusted)}</dt><dd>${e(app.trusted ? m.app.yes : m.app.no)}</dd>
<dt>${e(m.apps.created)}</dt><dd>${e(formatTime(Date.parse(app.created_at)))} (${e(app.created_by)})</dd></dl>`;
  const keys = app.jwks_uri
    ? `<p>${e(m.app.jwksUri)}: <code>${e(app.jwks_uri)}</code></p>`
    : app.jwks
      ? `<p>${e(m.app.jwksInline(((app.jwks.keys as unknown[]) ?? []).length))}</p>${list(
          ((app.jwks.keys as { kid?: string }[]) ?? []).map(
            (k) => `<code>${e(k.kid ?? '')}</code>`,
          ),
          m.app.noKeys,
        )}`
      : `<p>${e(m.app.noKeys)}</p>`;
  const details = `<h2>${e(m.app.redirectUris)}</h2>${list(
    app.redirect_uris.map((u) => `<code>${e(u)}</code>`),
    m.app.none,
  )}
<h2>${e(m.app.scopes)}</h2>${list(
    p.scopes.map((s) => `${e(s.description)} <span class="scope">(${e(s.scope)})</span>`),
    m.app.noScopes,
  )}
<h2>${e(m.app.keys)}</h2>${keys}
<h2>${e(m.app.launchModes)}</h2>${list(
    (app.launch_modes ?? []).map((l) => e(l)),
    m.app.none,
  )}`;
  return `${summary}\n${details}\n${decideForm(view, at, p.csrf, app.status)}
${secretForm(view, at, p.csrf, app, p.overlapSeconds)}
<h2>${e(m.remove.heading)}</h2><form method="get" action="${e(at)}/delete"><button type="submit" class="danger">${e(m.remove.button)}</button></form>
${historyTable(view, p.history)}
<p><a href="${e(`${p.base}/apps`)}">${e(m.app.back)}</a></p>`;
}

function decideForm(view: PageView, at: string, csrf: string, status: string): string {
  const d = view.messages.console.decide;
  const approve =
    status === 'approved'
      ? ''
      : `<button type="submit" name="decision" value="approve">${e(d.approve)}</button>`;
  const suspend =
    status === 'suspended'
      ? ''
      : `<button type="submit" name="decision" value="suspend">${e(d.suspend)}</button>`;
  return `<h2>${e(d.heading)}</h2><form method="post" action="${e(at)}/decide">${hidden('csrf', csrf)}
<label for="reason">${e(d.reason)}</label><textarea id="reason" name="reason" rows="2" required maxlength="500" aria-describedby="reason-hint"></textarea>
<p id="reason-hint">${e(d.reasonHint)}</p>${approve}${suspend}</form>`;
}

function secretForm(view: PageView, at: string, csrf: string, app: ClientViewDto, overlap: number) {
  const s = view.messages.console.secret;
  if (app.client_type !== 'confidential-symmetric') {
    return `<h2>${e(s.heading)}</h2><p>${e(s.noSecret)}</p>`;
  }
  const previous = app.previous_secret_expires_at
    ? `<p>${e(s.previousUntil(formatTime(app.previous_secret_expires_at * 1000)))}</p>`
    : '';
  return `<h2>${e(s.heading)}</h2><p>${e(s.intro)}</p>${previous}<form method="post" action="${e(at)}/secret">${hidden('csrf', csrf)}
<label for="overlap">${e(s.overlap)}</label><input type="number" id="overlap" name="overlap_seconds" min="0" value="${e(overlap)}">
<button type="submit">${e(s.rotate)}</button></form>`;
}

/** Audit events as a table (an app's history, the audit trail). */
function historyTable(view: PageView, events: AuditEvent[], heading = true): string {
  const m = view.messages.console;
  const title = heading ? `<h2>${e(m.app.history)}</h2>` : '';
  if (!events.length) return `${title}<p>${e(m.app.noHistory)}</p>`;
  const reason = (ev: AuditEvent) =>
    typeof ev.details?.reason === 'string' ? ev.details.reason : '';
  const rows = events
    .map(
      (ev) =>
        `<tr><td>${e(formatTime(ev.at))}</td><td><code>${e(ev.actor)}</code></td><td><code>${e(ev.action)}</code></td><td>${e(reason(ev))}</td></tr>`,
    )
    .join('\n');
  return `${title}<table><thead><tr><th scope="col">${e(m.audit.when)}</th><th scope="col">${e(m.audit.who)}</th><th scope="col">${e(m.audit.what)}</th><th scope="col">${e(m.audit.details)}</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

/** The new secret, shown once, with the previous secret's end. */
export function secretContent(
  view: PageView,
  p: { base: string; app: ClientViewDto; secret: string },
) {
  const s = view.messages.console.secret;
  const at = `${p.base}/apps/${encodeURIComponent(p.app.client_id)}`;
  const previous = p.app.previous_secret_expires_at
    ? `<p>${e(s.previousUntil(formatTime(p.app.previous_secret_expires_at * 1000)))}</p>`
    : '';
  return `<p class="notice" role="status">${e(s.shownOnce)}</p>
<h2 id="new-secret">${e(s.newSecret)}</h2><p class="secret" aria-labelledby="new-secret">${e(p.secret)}</p>${previous}
<p><a href="${e(at)}">${e(view.messages.console.app.back)}</a></p>`;
}

/** The confirmation step before a delete. */
export function deleteConfirmContent(
  view: PageView,
  p: { base: string; app: ClientViewDto; csrf: string },
) {
  const r = view.messages.console.remove;
  const at = `${p.base}/apps/${encodeURIComponent(p.app.client_id)}`;
  return `<p>${e(r.confirmText)}</p><form method="post" action="${e(at)}/delete">${hidden('csrf', p.csrf)}
<button type="submit" class="danger">${e(r.confirm)}</button> <a href="${e(at)}">${e(r.cancel)}</a></form>`;
}
