/**
 * A form or query field as text: '' unless it is a string; trimmed and cut at `max` characters
 * (255) unless told otherwise (a password is taken as posted: `{ trim: false, max: Infinity }`).
 */
export function formText(value: unknown, options: { max?: number; trim?: boolean } = {}): string {
  if (typeof value !== 'string') return '';
  const text = options.trim === false ? value : value.trim();
  return text.slice(0, options.max ?? 255);
}
