/** The console's trusted issuers of the JWT-bearer grant: the list and the form that adds one. */
import type { TrustedIssuer } from '../persistence/records/trusted-issuer.record.js';
import {
  escapeHtml as e,
  hiddenField as hidden,
  type PageView,
  formatTime,
} from '../pages/page.layout.js';

/** What the add form shows (again, after a refusal). */
export interface IssuerForm {
  issuer: string;
  jwksUri: string;
  jwks: string;
  subjects: string;
  scope: string;
}

export const EMPTY_ISSUER_FORM: IssuerForm = {
  issuer: '',
  jwksUri: '',
  jwks: '',
  subjects: '',
  scope: '',
};

/** The issuers (each with a remove button) and the add form. */
export function issuersContent(
  view: PageView,
  p: { base: string; csrf: string; issuers: TrustedIssuer[]; form: IssuerForm },
): string {
  const m = view.messages.console;
  const t = m.issuers;
  const action = `${p.base}/issuers`;
  const rows = p.issuers
    .map((i) => {
      const keys = i.jwksUri
        ? `<code>${e(i.jwksUri)}</code>`
        : e(t.jwksInline(i.jwks?.keys.length ?? 0));
      const subjects = i.allowedSubjects.map((s) => `<code>${e(s)}</code>`).join(' ');
      return `<tr><th scope="row"><code>${e(i.issuer)}</code></th><td>${keys}</td><td>${subjects}</td><td><code>${e(i.allowedScope)}</code></td><td>${e(formatTime(i.createdAt))}</td>
<td><form method="post" action="${e(action)}/remove">${hidden('csrf', p.csrf)}${hidden('issuer', i.issuer)}<button type="submit" class="danger" aria-label="${e(t.remove(i.issuer))}">${e(t.removeButton)}</button></form></td></tr>`;
    })
    .join('\n');
  const table = p.issuers.length
    ? `<table><caption>${e(t.heading)}</caption><thead><tr><th scope="col">${e(t.issuer)}</th><th scope="col">${e(t.keys)}</th><th scope="col">${e(t.subjects)}</th><th scope="col">${e(t.scope)}</th><th scope="col">${e(m.apps.created)}</th><th scope="col">${e(t.removeButton)}</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : `<p>${e(t.none)}</p>`;
  const f = p.form;
  const form = `<h2>${e(t.addHeading)}</h2><form method="post" action="${e(action)}">${hidden('csrf', p.csrf)}
<label for="issuer">${e(t.issuer)}</label><input type="url" id="issuer" name="issuer" required maxlength="255" value="${e(f.issuer)}">
<fieldset><legend>${e(t.keysHint)}</legend>
<label for="jwks_uri">${e(t.jwksUri)}</label><input type="url" id="jwks_uri" name="jwks_uri" maxlength="2000" value="${e(f.jwksUri)}">
<label for="jwks">${e(t.jwks)}</label><textarea id="jwks" name="jwks" rows="4" maxlength="20000">${e(f.jwks)}</textarea></fieldset>
<label for="allowed_subjects">${e(t.subjects)}</label><textarea id="allowed_subjects" name="allowed_subjects" rows="2" required aria-describedby="subjects-hint">${e(f.subjects)}</textarea>
<p id="subjects-hint">${e(t.subjectsHint)}</p>
<label for="allowed_scope">${e(t.scope)}</label><input type="text" id="allowed_scope" name="allowed_scope" required maxlength="4096" value="${e(f.scope)}" aria-describedby="scope-hint">
<p id="scope-hint">${e(t.scopeHint)}</p>
<button type="submit">${e(t.add)}</button></form>`;
  return `<p>${e(t.intro)}</p>\n${table}\n${form}`;
}
