/** Server-rendered pages of the interaction (login, consent, picker): accessible, no JavaScript. */
import {
  escapeHtml,
  hiddenField as hidden,
  layout,
  pageTitle,
  type PageView,
} from '../pages/page.layout.js';

export function loginPage(
  view: PageView,
  p: {
    action: string;
    csrf: string;
    clientName: string | undefined;
    error?: string;
    username?: string;
    /** Where the button to the identity server posts, when it is offered beside the password form. */
    identityServerAction?: string;
  },
): string {
  const m = view.messages.login;
  const identityServer = p.identityServerAction
    ? `\n<p>${escapeHtml(m.or)}</p>
<form method="post" action="${escapeHtml(p.identityServerAction)}">${hidden('csrf', p.csrf)}
<button type="submit">${escapeHtml(m.identityServer)}</button></form>`
    : '';
  return layout(
    view,
    view.messages.signInTo(view.branding.platformName),
    `<h1>${escapeHtml(m.heading)}</h1><p>${escapeHtml(m.intro(p.clientName ?? view.messages.anApp))}</p>
${p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="${escapeHtml(p.action)}">${hidden('csrf', p.csrf)}
<label for="username">${escapeHtml(m.username)}</label><input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(p.username ?? '')}">
<label for="password">${escapeHtml(m.password)}</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">${escapeHtml(m.submit)}</button></form>${identityServer}`,
  );
}

export interface ConsentItem {
  scope: string;
  description: string;
}

/** Who the access is for: the patient as the directory knows them, or only the record. */
export interface ConsentPatient {
  name?: string;
  birthDate?: string;
  /** The EHR id (or FHIR patient id) of the record. */
  record: string;
}

/** The app's registered pages (RFC 7591 `client_uri`, `policy_uri`, `tos_uri`). */
export interface ConsentAppLinks {
  homePage?: string;
  privacyPolicy?: string;
  termsOfUse?: string;
}

function patientBlock(view: PageView, patient: ConsentPatient | undefined): string {
  if (!patient) return '';
  const m = view.messages.consent;
  const row = (term: string, value: string | undefined) =>
    value ? `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>` : '';
  return `<dl id="consent-patient">${row(m.forPatient, patient.name)}${row(m.birthDate, patient.birthDate)}${row(m.record, patient.record)}</dl>`;
}

function appLinks(view: PageView, links: ConsentAppLinks): string {
  const m = view.messages.consent;
  const items = (
    [
      [m.homePage, links.homePage],
      [m.privacyPolicy, links.privacyPolicy],
      [m.termsOfUse, links.termsOfUse],
    ] as const
  )
    .filter(([, url]) => url)
    .map(
      ([label, url]) =>
        `<li><a href="${escapeHtml(url)}">${escapeHtml(label)}</a>: ${escapeHtml(url)}</li>`,
    )
    .join('');
  return items
    ? `<section aria-label="${escapeHtml(m.aboutApp)}"><ul id="consent-app">${items}</ul></section>`
    : '';
}

export function consentPage(
  view: PageView,
  p: {
    action: string;
    csrf: string;
    clientName: string | undefined;
    items: ConsentItem[];
    patient?: ConsentPatient;
    app: ConsentAppLinks;
  },
): string {
  const m = view.messages.consent;
  const items = p.items
    .map(
      (
        item,
        i,
      ) => `<label for="scope-${i}"><input type="checkbox" id="scope-${i}" name="scope" value="${escapeHtml(item.scope)}" checked>
${escapeHtml(item.description)} <span class="scope">(${escapeHtml(item.scope)})</span></label>`,
    )
    .join('\n');
  return layout(
    view,
    pageTitle(view, m.title),
    `<h1>${escapeHtml(m.heading(p.clientName ?? view.messages.anApp))}</h1>
${appLinks(view, p.app)}${patientBlock(view, p.patient)}
<form method="post" action="${escapeHtml(p.action)}">${hidden('csrf', p.csrf)}
<fieldset><legend>${escapeHtml(m.asks)}</legend>${items || `<p>${escapeHtml(m.signInOnly)}</p>`}</fieldset>
<p>${escapeHtml(m.untick)}</p>
<button type="submit" name="decision" value="allow">${escapeHtml(m.allow)}</button>
<button type="submit" name="decision" value="deny">${escapeHtml(m.deny)}</button></form>`,
  );
}

export function pickerPage(
  view: PageView,
  p: {
    action: string;
    csrf: string;
    clientName: string | undefined;
    field: 'ehrId' | 'episodeId';
    options: { value: string; label: string }[];
  },
): string {
  const m = view.messages.picker;
  const patient = p.field === 'ehrId';
  const heading = patient ? m.patientHeading : m.episodeHeading;
  const app = p.clientName ?? view.messages.anApp;
  const options = p.options
    .map(
      (
        o,
        i,
      ) => `<label for="pick-${i}"><input type="radio" id="pick-${i}" name="${p.field}" value="${escapeHtml(o.value)}" required${i === 0 ? ' checked' : ''}>
${escapeHtml(o.label)}</label>`,
    )
    .join('\n');
  return layout(
    view,
    pageTitle(view, heading),
    `<h1>${escapeHtml(heading)}</h1><p>${escapeHtml(patient ? m.patientIntro(app) : m.episodeIntro(app))}</p>
<form method="post" action="${escapeHtml(p.action)}">${hidden('csrf', p.csrf)}
<fieldset><legend>${escapeHtml(patient ? m.patients : m.episodes)}</legend>${options}</fieldset>
<button type="submit">${escapeHtml(m.submit)}</button></form>`,
  );
}
