import {
  intersectScopes,
  isResourceScope,
  parseScopes,
  type ValidScope,
} from '@smart-openehr/scopes';

/**
 * What the client's registration lets a user flow (authorization code) ask a user for: identity
 * and launch scopes as asked (the user's to give; whether a context exists is decided at consent),
 * `patient/` and `user/` resource scopes narrowed to the registration. Everything else is dropped,
 * never widened and never refused one by one: scopes outside the registration, `system/` scopes
 * (backend services only), unparsable scopes (decisions.md item 3) and other tokens such as
 * `admin`. Idempotent, so a request narrowed once narrows to itself.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-3.3
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function narrowUserRequest(
  requested: string | undefined,
  registered: string | undefined,
  extraScopes: readonly string[],
): ValidScope[] {
  const options = { extraScopes };
  const parsed = parseScopes(requested, options);
  const allowed = parseScopes(registered, options).valid;
  const { granted } = intersectScopes([...parsed.valid, ...parsed.invalid], allowed);
  const identity = parsed.valid.filter((s) => s.kind === 'identity' || s.kind === 'launch');
  const resources = granted.filter((s) => isResourceScope(s) && s.compartment !== 'system');
  const seen = new Set<string>();
  return [...identity, ...resources].filter((s) => !seen.has(s.raw) && Boolean(seen.add(s.raw)));
}
