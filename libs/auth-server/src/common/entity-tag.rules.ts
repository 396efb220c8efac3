import { createHash } from 'node:crypto';

/**
 * A strong entity tag for `bytes`: their SHA-256 (base64url), quoted. It depends on the bytes only,
 * so every instance serving the same bytes gives the same tag.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3
 */
export function strongEntityTag(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url')}"`;
}

const OWS_OR_COMMA = new Set([' ', '\t', ',']);

/**
 * Whether an `If-None-Match` field value matches the current entity tag `etag`: `*`, or a list
 * of entity tags of which one is equal to it by the weak comparison (`W/` ignored on both sides).
 * A malformed list matches nothing (the full answer is sent).
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13.1.2
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3.2
 */
export function ifNoneMatchHits(fieldValue: string | undefined, etag: string): boolean {
  if (!fieldValue) return false;
  const value = fieldValue.trim();
  if (value === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  let i = 0;
  while (i < value.length) {
    if (OWS_OR_COMMA.has(value[i])) {
      i += 1;
      continue;
    }
    // entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc excludes DQUOTE but not the comma.
    const start = value.startsWith('W/', i) ? i + 2 : i;
    if (value[start] !== '"') return false;
    const end = value.indexOf('"', start + 1);
    if (end < 0) return false;
    if (value.slice(start, end + 1) === opaque) return true;
    i = end + 1;
  }
  return false;
}
