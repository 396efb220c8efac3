/** Server-rendered pages of the interaction (login, consent, picker): accessible, no JavaScript. */
import { escapeHtml, hiddenField as hidden, layout } from '../pages/page.layout.js';

// Visible strings of the identity-server choice on the login page (one place, for translation).
const IDENTITY_SERVER_CHOICE = {
  separator: 'Or',
  button: 'Sign in with your organisation account',
};

export function loginPage(p: {
  action: string;
  csrf: string;
  clientName: string;
  error?: string;
  username?: string;
  /** Where the button to the identity server posts, when it is offered beside the password form. */
  identityServerAction?: string;
}): string {
  const identityServer = p.identityServerAction
    ? `\n<p>${escapeHtml(IDENTITY_SERVER_CHOICE.separator)}</p>
<form method="post" action="${escapeHtml(p.identityServerAction)}">${hidden('csrf', p.csrf)}
<button type="submit">${escapeHtml(IDENTITY_SERVER_CHOICE.button)}</button></form>`
    : '';
  return layout(
    'Sign in',
    `<h1>Sign in</h1><p>${escapeHtml(p.clientName)} wants to access your health records.</p>
${p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="${escapeHtml(p.action)}">${hidden('csrf', p.csrf)}
<label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(p.username ?? '')}">
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>${identityServer}`,
  );
}

export interface ConsentItem {
  scope: string;
  description: string;
}

export function consentPage(p: {
  action: string;
  csrf: string;
  clientName: string;
  items: ConsentItem[];
  context?: string;
}): string {
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
    'Allow access',
    `<h1>Allow ${escapeHtml(p.clientName)} access?</h1>
${p.context ? `<p>${escapeHtml(p.context)}</p>` : ''}
<form method="post" action="${escapeHtml(p.action)}">${hidden('csrf', p.csrf)}
<fieldset><legend>The app asks to:</legend>${items || '<p>Sign you in.</p>'}</fieldset>
<p>Untick anything you do not want to share.</p>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form>`,
  );
}

export function pickerPage(p: {
  action: string;
  csrf: string;
  clientName: string;
  field: 'ehrId' | 'episodeId';
  options: { value: string; label: string }[];
}): string {
  const what = p.field === 'ehrId' ? 'patient' : 'episode';
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
    `Choose a ${what}`,
    `<h1>Choose a ${what}</h1><p>${escapeHtml(p.clientName)} will work with the ${what} you choose.</p>
<form method="post" action="${escapeHtml(p.action)}">${hidden('csrf', p.csrf)}
<fieldset><legend>${what === 'patient' ? 'Patients' : 'Episodes'}</legend>${options}</fieldset>
<button type="submit">Continue</button></form>`,
  );
}
