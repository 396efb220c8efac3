import {
  type Compartment,
  formatScope,
  isResourceScope,
  isScopeWithin,
  parseScopes,
  type ValidScope,
} from '@smart-openehr/scopes';

/** The outcome of a backend (client_credentials / jwt-bearer) scope request. */
export type BackendScopeDecision =
  { ok: true; scope: string } | { ok: false; description: string; scope: string };

/**
 * Backend services get exactly what they ask for when all of it lies within their registration,
 * and only `system/` resource scopes; anything else is refused (`invalid_scope`), never widened.
 * @see https://hl7.org/fhir/smart-app-launch/backend-services.html#scopes
 */
export function decideBackendScope(
  requested: string | undefined,
  registered: string | undefined,
  extraScopes: readonly string[],
  compartments: readonly Compartment[] = ['system'],
): BackendScopeDecision {
  const options = { extraScopes };
  const asked = parseScopes(requested, options);
  if (asked.invalid.length > 0) {
    const bad = asked.invalid[0];
    return { ok: false, description: `scope ${bad.raw} is invalid: ${bad.reason}`, scope: bad.raw };
  }
  if (asked.valid.length === 0) {
    return { ok: false, description: 'scope is required for backend services', scope: '' };
  }
  const allowed = parseScopes(registered, options).valid;
  const granted: ValidScope[] = [];
  for (const scope of asked.valid) {
    if (isResourceScope(scope) && !compartments.includes(scope.compartment)) {
      return refuse(
        scope,
        `only ${compartments.map((c) => `${c}/`).join(' and ')} scopes are allowed here`,
      );
    }
    if (scope.kind !== 'other' && !isResourceScope(scope)) {
      return refuse(scope, `scope is not available to backend services`);
    }
    if (!allowed.some((a) => isScopeWithin(scope, a))) {
      return refuse(scope, `scope is not within the client's registration`);
    }
    granted.push(scope);
  }
  return { ok: true, scope: granted.map((s) => s.raw).join(' ') };
}

function refuse(scope: ValidScope, why: string): BackendScopeDecision {
  const raw = formatScope(scope);
  return { ok: false, description: `${raw}: ${why}`, scope: raw };
}
