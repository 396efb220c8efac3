/** Result of percent-decoding an id taken from a scope token. */
export type IdDecode = { ok: true; id: string } | { ok: false; reason: string };

const MALFORMED = /%(?![0-9A-Fa-f]{2})/;

/**
 * True for characters a scope token may hold (RFC 6749 §3.3: `%x21 / %x23-5B / %x5D-7E`).
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function isScopeTokenChar(code: number): boolean {
  return code === 0x21 || (code >= 0x23 && code <= 0x5b) || (code >= 0x5d && code <= 0x7e);
}

/**
 * Percent-decodes an openEHR id (`IDCR%20-%20Vital%20Signs.v1` → `IDCR - Vital Signs.v1`).
 * A `%` not followed by two hex digits, or bytes that are not UTF-8, make the id invalid. A
 * decoded `*` is a wildcard like a literal one.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function decodeId(encoded: string): IdDecode {
  if (!encoded.includes('%')) return { ok: true, id: encoded };
  if (MALFORMED.test(encoded)) return { ok: false, reason: `malformed percent-encoding in id` };
  try {
    return { ok: true, id: decodeURIComponent(encoded) };
  } catch {
    return { ok: false, reason: 'percent-encoded id is not UTF-8' };
  }
}

/**
 * Percent-encodes the characters of an id a scope token cannot hold (space, `"`, `\`, controls,
 * non-ASCII) and `%` itself; everything else is kept as is. Lone surrogates become U+FFFD.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function encodeId(id: string): string {
  let out = '';
  for (const ch of id) {
    const code = ch.codePointAt(0) ?? 0;
    if (code !== 0x25 && isScopeTokenChar(code)) {
      out += ch;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '%EF%BF%BD';
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}
