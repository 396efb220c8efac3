/** Server-rendered pages of the interaction (login, consent, picker): accessible, no JavaScript. */

export const escapeHtml = (s: string | number | boolean | undefined): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
h1{font-size:1.4rem}label{display:block;margin:.5rem 0}input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem}
button{padding:.5rem 1rem;font-size:1rem;margin:.5rem .5rem 0 0}fieldset{border:1px solid #999;padding:.5rem 1rem}
.error{color:#a00000;font-weight:bold}.scope{font-family:monospace;font-size:.85rem;color:#555}
:focus{outline:3px solid #1a5fb4;outline-offset:2px}`;

export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

export function loginPage(p: {
  action: string;
  csrf: string;
  clientName: string;
  error?: string;
  username?: string;
}): string {
  return layout(
    'Sign in',
    `<h1>Sign in</h1><p>${escapeHtml(p.clientName)} wants to access your health records.</p>
${p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="${escapeHtml(p.action)}">${hidden('csrf', p.csrf)}
<label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(p.username ?? '')}">
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
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

/**
 * A page with a title and one message: notices and error pages. `code` (an error code the
 * page may show, as the engine's error page does) goes in bold above the message.
 */
export function messagePage(title: string, message: string, code?: string): string {
  const shownCode = code === undefined ? '' : `<p><strong>${escapeHtml(code)}</strong></p>`;
  return layout(title, `<h1>${escapeHtml(title)}</h1>${shownCode}<p>${escapeHtml(message)}</p>`);
}
