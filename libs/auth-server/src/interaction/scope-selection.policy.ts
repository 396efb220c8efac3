import { isResourceScope, type ValidScope } from '@smart-openehr/scopes';
import type { SmartAccountClaims, UserScopePolicy } from '../accounts/account.port.js';
import type { SmartLaunchContext } from '../vocabulary/launch-context.types.js';
import { narrowUserRequest } from '../policy/user-scope.policy.js';

export interface ScopeSelectionInput {
  requested: string | undefined;
  registered: string | undefined;
  extraScopes: readonly string[];
  account: SmartAccountClaims;
  policy: UserScopePolicy;
  context: SmartLaunchContext;
  /** Whether a launch handle (EHR launch) was resolved for this request. */
  launched: boolean;
  /** The client may use refresh tokens. */
  refreshAllowed: boolean;
  episodeContext: boolean;
}

/**
 * What a user can be asked to approve: requested ∩ registration (narrowed, never widened) ∩ what
 * the user may do; `patient/` scopes only with a patient in context (fail closed, decisions.md 6).
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function selectScopes(input: ScopeSelectionInput): ValidScope[] {
  // Identity scopes are the user's to give; the registration need not list them.
  const candidates = narrowUserRequest(input.requested, input.registered, input.extraScopes);
  const permitted = input.policy.permitted(input.account, candidates);
  return dedupe(permitted.filter((s) => keep(s, input)));
}

function keep(scope: ValidScope, input: ScopeSelectionInput): boolean {
  const { context } = input;
  if (scope.kind === 'openehr' && scope.compartment === 'patient') return Boolean(context.ehrId);
  if (scope.kind === 'fhir' && scope.compartment === 'patient') return Boolean(context.patient);
  if (isResourceScope(scope) && scope.compartment === 'system') return false;
  if (scope.kind === 'launch') {
    if (scope.context === 'launch') return input.launched;
    if (scope.context === 'patient') return Boolean(context.ehrId || context.patient);
    if (scope.context === 'episode') return input.episodeContext && Boolean(context.episodeId);
    if (scope.context === 'encounter') return Boolean(context.encounter);
    return false;
  }
  if (
    scope.kind === 'identity' &&
    (scope.name === 'offline_access' || scope.name === 'online_access')
  ) {
    return input.refreshAllowed;
  }
  return scope.kind !== 'other';
}

function dedupe(scopes: ValidScope[]): ValidScope[] {
  const seen = new Set<string>();
  return scopes.filter((s) => {
    const key = s.raw;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
