import { isScopeTokenChar } from './id.codec.js';
import { parseResourceScope } from './resource-scope.parser.js';
import {
  COMPARTMENTS,
  IDENTITY_NAMES,
  MAX_SCOPE_COUNT,
  MAX_SCOPE_LENGTH,
  type Compartment,
  type IdentityName,
  type InvalidScope,
  type LaunchScope,
  type ParsedScope,
  type ParseOptions,
  type ValidScope,
} from './scope.types.js';

const LAUNCH = /^launch\/([a-z]+)(?:\?role=([A-Za-z][A-Za-z0-9+.-]*:[^&]+))?$/;
const URI_SCOPE = /^https?:\/\/./;

function invalid(raw: string, reason: string): InvalidScope {
  return { kind: 'invalid', raw, reason };
}

/** Index of the first character outside the RFC 6749 scope-token charset, or -1. */
function badCharIndex(raw: string): number {
  for (let i = 0; i < raw.length; i += 1) {
    if (!isScopeTokenChar(raw.charCodeAt(i))) return i;
  }
  return -1;
}

function parseLaunch(raw: string): LaunchScope | InvalidScope {
  if (raw === 'launch') return { kind: 'launch', raw, context: 'launch' };
  const match = LAUNCH.exec(raw);
  const context = match?.[1];
  if (context === undefined) return invalid(raw, 'invalid launch scope');
  const role = match?.[2];
  return role === undefined
    ? { kind: 'launch', raw, context }
    : { kind: 'launch', raw, context, role };
}

function isCustom(raw: string, options: ParseOptions | undefined): boolean {
  if (URI_SCOPE.test(raw) || (raw.startsWith('__') && raw.length > 2)) return true;
  return options?.extraScopes?.includes(raw) ?? false;
}

/** Grammar dispatch for a token already known to be non-empty, short and charset-clean. */
function parseToken(raw: string, options: ParseOptions | undefined): ParsedScope {
  if (IDENTITY_NAMES.includes(raw as IdentityName)) {
    return { kind: 'identity', raw, name: raw as IdentityName };
  }
  if (raw === 'launch' || raw.startsWith('launch/')) return parseLaunch(raw);
  const slash = raw.indexOf('/');
  const head = slash < 0 ? raw : raw.slice(0, slash);
  if (slash > 0 && COMPARTMENTS.includes(head as Compartment)) {
    return parseResourceScope(raw, head as Compartment, raw.slice(slash + 1));
  }
  if (isCustom(raw, options)) return { kind: 'other', raw };
  if (slash > 0 && raw.includes('.')) return invalid(raw, `unknown compartment "${head}"`);
  return invalid(raw, 'unknown scope');
}

/**
 * Parses one scope token. Never throws: anything not understood is returned as kind `invalid`
 * with a reason.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function parseScope(raw: string, options?: ParseOptions): ParsedScope {
  if (raw === '') return invalid(raw, 'empty scope');
  if (raw.length > MAX_SCOPE_LENGTH) {
    return invalid(raw, `too long (more than ${MAX_SCOPE_LENGTH} characters)`);
  }
  const bad = badCharIndex(raw);
  if (bad >= 0) {
    const code = raw.charCodeAt(bad).toString(16).toUpperCase().padStart(4, '0');
    return invalid(raw, `illegal character U+${code} at position ${bad}`);
  }
  return parseToken(raw, options);
}

/**
 * Parses a space-delimited `scope` parameter (RFC 6749 §3.3). Empty tokens are ignored, duplicate
 * tokens collapse to the first, and work is linear in the input: after
 * {@link MAX_SCOPE_COUNT} distinct tokens the rest are reported invalid without being parsed.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function parseScopes(
  scope: string | undefined,
  options?: ParseOptions,
): { valid: ValidScope[]; invalid: InvalidScope[] } {
  const valid: ValidScope[] = [];
  const invalidScopes: InvalidScope[] = [];
  if (scope === undefined || scope === '') return { valid, invalid: invalidScopes };
  const seen = new Set<string>();
  for (const token of scope.split(' ')) {
    if (token === '' || seen.has(token)) continue;
    seen.add(token);
    const parsed =
      seen.size > MAX_SCOPE_COUNT
        ? invalid(token, `too many scopes (more than ${MAX_SCOPE_COUNT})`)
        : parseScope(token, options);
    if (parsed.kind === 'invalid') invalidScopes.push(parsed);
    else valid.push(parsed);
  }
  return { valid, invalid: invalidScopes };
}
