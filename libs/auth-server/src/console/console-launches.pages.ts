/** The console's test EHR launch: the form, and the launch URL to open. */
import type { ClientViewDto } from '../admin/dto/client-view.dto.js';
import { escapeHtml as e, hiddenField as hidden, type PageView } from '../pages/page.layout.js';

/** What the form shows (again, after a refusal). */
export interface LaunchForm {
  clientId: string;
  ehrId: string;
  patient: string;
  launchUrl: string;
}

const field = (id: string, label: string, value: string, extra = '') =>
  `<label for="${e(id)}">${e(label)}</label><input type="text" id="${e(id)}" name="${e(id)}" value="${e(value)}" maxlength="255"${extra}>`;

/** The form: which app, which EHR or patient, and the app's launch URL (optional). */
export function launchFormContent(
  view: PageView,
  p: { base: string; csrf: string; apps: ClientViewDto[]; form: LaunchForm; error?: string },
): string {
  const l = view.messages.console.launches;
  const options = p.apps
    .map((a) => {
      const chosen = a.client_id === p.form.clientId ? ' selected' : '';
      return `<option value="${e(a.client_id)}"${chosen}>${e(a.client_name ?? a.client_id)}</option>`;
    })
    .join('');
  const error = p.error ? `<p class="error" role="alert">${e(p.error)}</p>` : '';
  return `<p>${e(l.intro)}</p>${error}<form method="post" action="${e(p.base)}/launches">${hidden('csrf', p.csrf)}
<label for="client_id">${e(l.app)}</label><select id="client_id" name="client_id"><option value="">${e(l.anyApp)}</option>${options}</select>
<fieldset><legend>${e(l.contextHint)}</legend>
${field('ehrId', l.ehrId, p.form.ehrId)}
${field('patient', l.patient, p.form.patient)}</fieldset>
<label for="launch_url">${e(l.launchUrl)}</label><input type="url" id="launch_url" name="launch_url" value="${e(p.form.launchUrl)}" maxlength="2000" aria-describedby="launch-url-hint">
<p id="launch-url-hint">${e(l.launchUrlHint)}</p>
<button type="submit">${e(l.create)}</button></form>`;
}

/** The created launch: its value, its lifetime, and the URL to open (or the parameters to add). */
export function launchCreatedContent(
  view: PageView,
  p: { base: string; launch: string; expiresIn: number; iss: string; launchUrl?: URL },
): string {
  const l = view.messages.console.launches;
  const params = new URLSearchParams({ iss: p.iss, launch: p.launch });
  let target = `<h2>${e(l.parameters)}</h2><p class="secret"><code>?${e(params.toString())}</code></p>`;
  if (p.launchUrl) {
    const url = new URL(p.launchUrl.href);
    params.forEach((value, key) => url.searchParams.set(key, value));
    target = `<h2 id="launch-url">${e(l.open)}</h2><p class="secret"><a href="${e(url.href)}" aria-labelledby="launch-url">${e(url.href)}</a></p>`;
  }
  return `<dl><dt>${e(l.handle)}</dt><dd><code>${e(p.launch)}</code></dd><dt>iss</dt><dd><code>${e(p.iss)}</code></dd></dl>
<p>${e(l.expiresIn(p.expiresIn))}</p>${target}
<p><a href="${e(p.base)}/launches">${e(l.another)}</a></p>`;
}
