/** The console's signing keys: per algorithm, state and age; rotation after a confirmation. */
import type { SmartSigningKeyInfo } from '../keys/signing-key-info.types.js';
import {
  escapeHtml as e,
  hiddenField as hidden,
  type PageView,
  formatTime,
} from '../pages/page.layout.js';

const HOUR = 3_600_000;

/** The keys' table and the button that leads to the confirmation. */
export function keysContent(
  view: PageView,
  p: { base: string; keys: SmartSigningKeyInfo[]; now: number },
): string {
  const k = view.messages.console.keys;
  const age = (key: SmartSigningKeyInfo) => {
    if (key.activateAt > p.now) return k.activatesAt(formatTime(key.activateAt));
    const hours = Math.floor((p.now - key.activateAt) / HOUR);
    return k.ageOf(Math.floor(hours / 24), hours % 24);
  };
  const rows = p.keys
    .map(
      (key) =>
        `<tr><th scope="row">${e(key.alg)}</th><td><code>${e(key.kid)}</code></td><td>${e(k.states[key.state])}</td><td>${e(age(key))}</td><td>${e(key.retireAt === null ? '–' : formatTime(key.retireAt))}</td></tr>`,
    )
    .join('\n');
  return `<p>${e(k.intro)}</p>
<table><caption>${e(k.heading)}</caption><thead><tr><th scope="col">${e(k.alg)}</th><th scope="col">${e(k.kid)}</th><th scope="col">${e(k.state)}</th><th scope="col">${e(k.age)}</th><th scope="col">${e(k.retires)}</th></tr></thead>
<tbody>${rows}</tbody></table>
<h2>${e(k.rotateHeading)}</h2><p>${e(k.rotateIntro)}</p>
<form method="get" action="${e(p.base)}/keys/rotate"><button type="submit">${e(k.rotate)}</button></form>`;
}

/** The confirmation step before a rotation. */
export function rotateConfirmContent(view: PageView, p: { base: string; csrf: string }): string {
  const k = view.messages.console.keys;
  return `<p>${e(k.confirmText)}</p><form method="post" action="${e(p.base)}/keys/rotate">${hidden('csrf', p.csrf)}
<button type="submit" class="danger">${e(k.confirm)}</button> <a href="${e(p.base)}/keys">${e(k.cancel)}</a></form>`;
}
