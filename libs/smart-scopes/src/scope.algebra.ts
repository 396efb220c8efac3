import { isIdPatternWithin, matchesEveryId, matchesId } from './id-pattern.matcher.js';
import { permissionsWithin } from './permission.parser.js';
import type {
  FhirScope,
  OpenEhrScope,
  RequiredAccess,
  ResourceScope,
  ValidScope,
} from './scope.types.js';

function fhirParamsWithin(inner: FhirScope, outer: FhirScope): boolean {
  return outer.params.every(([name, value]) =>
    inner.params.some(([n, v]) => n === name && v === value),
  );
}

/**
 * True when the data reached by `inner` is reached by `outer`, ignoring permissions: same kind and
 * compartment; openEHR: same resource and id pattern within; FHIR: type within (`*` covers all)
 * and `outer`'s query parameters all present in `inner`.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function isTargetWithin(inner: ResourceScope, outer: ResourceScope): boolean {
  if (inner.compartment !== outer.compartment) return false;
  if (inner.kind === 'openehr') {
    return (
      outer.kind === 'openehr' &&
      inner.resource === outer.resource &&
      isIdPatternWithin(inner.id, outer.id)
    );
  }
  return (
    outer.kind === 'fhir' &&
    (outer.resourceType === '*' || outer.resourceType === inner.resourceType) &&
    fhirParamsWithin(inner, outer)
  );
}

/**
 * True when everything `inner` allows is allowed by `outer`. Resource scopes: target within (see
 * {@link isTargetWithin}) and permissions a subset. Launch, identity and other scopes: equal.
 * Reflexive and transitive.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function isScopeWithin(inner: ValidScope, outer: ValidScope): boolean {
  switch (inner.kind) {
    case 'openehr':
    case 'fhir':
      return (
        (outer.kind === 'openehr' || outer.kind === 'fhir') &&
        isTargetWithin(inner, outer) &&
        permissionsWithin(inner.permissions, outer.permissions)
      );
    case 'launch':
      return (
        outer.kind === 'launch' && outer.context === inner.context && outer.role === inner.role
      );
    case 'identity':
      return outer.kind === 'identity' && outer.name === inner.name;
    case 'other':
      return outer.kind === 'other' && outer.raw === inner.raw;
  }
}

function grantPermits(scope: OpenEhrScope, need: RequiredAccess): boolean {
  if (scope.compartment !== need.compartment || scope.resource !== need.resource) return false;
  if (!scope.permissions.includes(need.permission)) return false;
  return need.id === '*' ? matchesEveryId(scope.id) : matchesId(scope.id, need.id);
}

/**
 * True when some granted openEHR scope covers `need`: same compartment and resource, the needed
 * permission included and the id matched. `need.id === '*'` ("any id", e.g. ad hoc AQL) is only
 * covered by a pattern that matches every id (`*`, `**`).
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function permits(granted: readonly ValidScope[], need: RequiredAccess): boolean {
  return granted.some((scope) => scope.kind === 'openehr' && grantPermits(scope, need));
}

/**
 * True when {@link permits} holds for at least one of `needs` (false for an empty list).
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function permitsAny(
  granted: readonly ValidScope[],
  needs: readonly RequiredAccess[],
): boolean {
  return needs.some((need) => permits(granted, need));
}
