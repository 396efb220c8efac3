import { OAuthError } from '../errors/oauth.error.js';

const EPOCH_MS = /^\d{1,15}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * An audit query's `from` or `to` as epoch milliseconds: a number, a string of digits (epoch ms)
 * or an ISO 8601 date or time with a zone (`2026-03-01`, `2026-03-01T08:00Z`; a date alone is
 * midnight UTC). Anything else is an `invalid_request` naming the parameter.
 */
export function parseAuditTime(
  name: 'from' | 'to',
  value: number | string | undefined,
): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
  } else if (EPOCH_MS.test(value)) {
    return Number(value);
  } else if (ISO_TIME.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw OAuthError.invalidRequest(`${name} must be epoch milliseconds or an ISO 8601 time`);
}
