/** The shared frame of every server-rendered page (interaction, account, error pages): accessible, no JavaScript. */

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

/** A hidden form field. */
export const hiddenField = (name: string, value: string) =>
  `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

/**
 * A page with a title and one message: notices and error pages. `code` (an error code the
 * page may show, as the engine's error page does) goes in bold above the message.
 */
export function messagePage(title: string, message: string, code?: string): string {
  const shownCode = code === undefined ? '' : `<p><strong>${escapeHtml(code)}</strong></p>`;
  return layout(title, `<h1>${escapeHtml(title)}</h1>${shownCode}<p>${escapeHtml(message)}</p>`);
}
