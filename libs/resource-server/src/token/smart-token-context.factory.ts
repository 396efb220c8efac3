import { parseScopes } from '@smart-openehr/scopes';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import type { SmartTokenContext } from './smart-token-context.types.js';

function optionalString(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function scopeText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return '';
}

/**
 * Builds a {@link SmartTokenContext} from verified claims. Refuses sender-constrained tokens
 * (`cnf`): they are bound to a key or certificate this resource server does not check, so
 * accepting them as plain bearer tokens would defeat the binding.
 *
 * @throws BearerTokenError `invalid_token` when `sub`/`client_id`/`exp` are missing or `cnf` is set.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 */
export function toSmartTokenContext(
  claims: Record<string, unknown>,
  source: SmartTokenContext['source'],
): SmartTokenContext {
  const clientId = optionalString(claims, 'client_id');
  const subject = optionalString(claims, 'sub') ?? clientId;
  const exp = claims['exp'];
  if (clientId === undefined || subject === undefined) {
    throw BearerTokenError.invalidToken('the access token names no client');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw BearerTokenError.invalidToken('the access token has no expiry');
  }
  if (claims['cnf'] !== undefined) {
    throw BearerTokenError.invalidToken('sender-constrained access tokens are not accepted here');
  }
  const rawScope = scopeText(claims['scope']);
  return {
    subject,
    clientId,
    scopes: Object.freeze(parseScopes(rawScope).valid),
    rawScope,
    ehrId: optionalString(claims, 'ehrId'),
    patient: optionalString(claims, 'patient'),
    episodeId: optionalString(claims, 'episodeId'),
    fhirUser: optionalString(claims, 'fhirUser'),
    expiresAt: new Date(exp * 1000),
    source,
    claims: Object.freeze({ ...claims }),
  };
}
