import { encodeId } from './id.codec.js';
import type { FhirScope, LaunchScope, OpenEhrScope, ValidScope } from './scope.types.js';

function formatOpenEhr(scope: OpenEhrScope): string {
  const { compartment, resource, id, permissions } = scope;
  return `${compartment}/${resource}-${encodeId(id)}.${permissions.join('')}`;
}

function formatFhir(scope: FhirScope): string {
  const { compartment, resourceType, permissions, params } = scope;
  const query = params.map(([name, value]) => `${name}=${value}`).join('&');
  return `${compartment}/${resourceType}.${permissions.join('')}${query === '' ? '' : `?${query}`}`;
}

function formatLaunch(scope: LaunchScope): string {
  if (scope.context === 'launch') return 'launch';
  return `launch/${scope.context}${scope.role === undefined ? '' : `?role=${scope.role}`}`;
}

/**
 * Formats a scope in canonical SMART v2 form: permission letters in `cruds` order, openEHR ids
 * re-encoded, FHIR query parameters re-joined in sorted order.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function formatScope(scope: ValidScope): string {
  switch (scope.kind) {
    case 'openehr':
      return formatOpenEhr(scope);
    case 'fhir':
      return formatFhir(scope);
    case 'launch':
      return formatLaunch(scope);
    case 'identity':
      return scope.name;
    case 'other':
      return scope.raw;
  }
}

/**
 * Formats scopes as a space-delimited `scope` string in canonical form, keeping the first
 * occurrence of each and the input order.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function formatScopes(scopes: readonly ValidScope[]): string {
  return [...new Set(scopes.map(formatScope))].join(' ');
}

/**
 * Normalises a SMART v1 resource scope (`.read`, `.write`, `.*`) to its v2 form; the `raw` becomes
 * the canonical text. v2 and non-resource scopes are returned unchanged.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function toV2(scope: ValidScope): ValidScope {
  if (scope.kind !== 'openehr' && scope.kind !== 'fhir') return scope;
  if (scope.version === 'v2') return scope;
  return { ...scope, version: 'v2', raw: formatScope(scope) };
}
