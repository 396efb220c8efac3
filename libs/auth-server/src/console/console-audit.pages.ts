/** The console's audit trail: filters (who, what, when, which app), the events, paging. */
import type { SmartPage } from '../admin/auth-admin.port.js';
import type { AuditEvent } from '../audit/audit.types.js';
import { escapeHtml as e, type PageView, formatTime } from '../pages/page.layout.js';

/** The filters as the form and the page links carry them (dates as `YYYY-MM-DD`, UTC). */
export interface AuditFilters {
  actor: string;
  action: string;
  app: string;
  from: string;
  to: string;
  page: number;
}

function queryString(f: AuditFilters, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['actor', 'action', 'app', 'from', 'to'] as const) {
    if (f[key]) params.set(key, f[key]);
  }
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

const input = (id: string, label: string, value: string, type = 'text') =>
  `<div><label for="${e(id)}">${e(label)}</label><input type="${e(type)}" id="${e(id)}" name="${e(id)}" value="${e(value)}"${type === 'text' ? ' maxlength="255"' : ''}></div>`;

/** The filter form (a GET: nothing changes), the events, links to the other pages. */
export function auditContent(
  view: PageView,
  p: { base: string; filters: AuditFilters; result: SmartPage<AuditEvent>; pageSize: number },
): string {
  const m = view.messages.console;
  const a = m.audit;
  const f = p.filters;
  const form = `<form method="get" action="${e(p.base)}/audit" class="filters" role="search" aria-label="${e(a.filters)}">
${input('actor', a.actor, f.actor)}${input('action', a.action, f.action)}${input('app', a.app, f.app)}
${input('from', a.from, f.from, 'date')}${input('to', a.to, f.to, 'date')}
<div><button type="submit">${e(m.apps.apply)}</button></div></form>`;
  const detail = (ev: AuditEvent) => {
    const reason = ev.details?.reason;
    return typeof reason === 'string' ? reason : '';
  };
  const target = (ev: AuditEvent) =>
    ev.targetId
      ? `${e(ev.targetType ?? '')} <code>${e(ev.targetId)}</code>`
      : e(ev.targetType ?? '');
  const rows = p.result.items
    .map(
      (ev) =>
        `<tr><td>${e(formatTime(ev.at))}</td><td><code>${e(ev.actor)}</code></td><td><code>${e(ev.action)}</code></td><td>${target(ev)}</td><td>${e(detail(ev))}</td></tr>`,
    )
    .join('\n');
  const table = p.result.items.length
    ? `<table><caption>${e(a.count(p.result.total))}</caption><thead><tr><th scope="col">${e(a.when)}</th><th scope="col">${e(a.who)}</th><th scope="col">${e(a.what)}</th><th scope="col">${e(a.target)}</th><th scope="col">${e(a.details)}</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : `<p>${e(a.none)}</p>`;
  const pages = Math.max(1, Math.ceil(p.result.total / p.pageSize));
  const link = (page: number, text: string, rel: string) =>
    `<a rel="${e(rel)}" href="${e(`${p.base}/audit${queryString(f, page)}`)}">${e(text)}</a>`;
  const paging =
    pages > 1
      ? `<nav aria-label="${e(m.apps.pageOf(f.page, pages))}"><p>${f.page > 1 ? link(f.page - 1, m.apps.previous, 'prev') : ''}
<span>${e(m.apps.pageOf(f.page, pages))}</span>
${f.page < pages ? link(f.page + 1, m.apps.next, 'next') : ''}</p></nav>`
      : '';
  return `${form}\n${table}\n${paging}`;
}
