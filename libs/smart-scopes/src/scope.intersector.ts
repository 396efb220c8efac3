import { intersectPermissions } from './permission.parser.js';
import { isScopeWithin, isTargetWithin } from './scope.algebra.js';
import { formatScope } from './scope.formatter.js';
import {
  isResourceScope,
  type IntersectResult,
  type ParsedScope,
  type Permission,
  type ResourceScope,
  type ValidScope,
} from './scope.types.js';

/** The target of `shape` with `permissions`, as a fresh v2 scope. */
function narrowed(shape: ResourceScope, permissions: Permission[]): ResourceScope {
  if (shape.kind === 'openehr') {
    const { compartment, resource, id } = shape;
    const scope = { kind: 'openehr', compartment, resource, id, permissions } as const;
    return { ...scope, raw: formatScope({ ...scope, raw: '', version: 'v2' }), version: 'v2' };
  }
  const { compartment, resourceType, params } = shape;
  const scope = { kind: 'fhir', compartment, resourceType, params, permissions } as const;
  return { ...scope, raw: formatScope({ ...scope, raw: '', version: 'v2' }), version: 'v2' };
}

/** Narrowed grants for a resource scope no allowed scope fully covers. */
function narrowedGrants(request: ResourceScope, allowed: readonly ValidScope[]): ResourceScope[] {
  const candidates: ResourceScope[] = [];
  for (const scope of allowed) {
    if (!isResourceScope(scope) || scope.compartment !== request.compartment) continue;
    const inside = isTargetWithin(scope, request);
    const around = isTargetWithin(request, scope);
    if (!inside && !around) continue;
    const permissions = intersectPermissions(request.permissions, scope.permissions);
    if (permissions.length === 0) continue;
    if (inside) candidates.push(narrowed(scope, permissions));
    if (around) candidates.push(narrowed(request, permissions));
  }
  return candidates.filter(
    (c) => !candidates.some((d) => isScopeWithin(c, d) && !isScopeWithin(d, c)),
  );
}

function grantsFor(request: ValidScope, allowed: readonly ValidScope[]): ValidScope[] {
  if (allowed.some((scope) => isScopeWithin(request, scope))) return [request];
  return isResourceScope(request) ? narrowedGrants(request, allowed) : [];
}

function dropReason(request: ValidScope): string {
  return isResourceScope(request)
    ? 'not covered by any scope registered for this client'
    : 'not registered for this client';
}

/**
 * Narrows requested scopes to what a client registration allows, never widening. A request
 * within an allowed scope is granted as requested (raw kept, v1 echoed). Otherwise a resource
 * request is narrowed: allowed targets inside the requested one, or the requested target inside an
 * allowed one, each with the permissions both share (v2 form). Launch, identity and other scopes
 * must equal an allowed one. Invalid and uncovered requests are dropped with a reason. The result
 * is deduplicated (by canonical form) and idempotent.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function intersectScopes(
  requested: readonly ParsedScope[],
  allowed: readonly ValidScope[],
): IntersectResult {
  const result: IntersectResult = { granted: [], dropped: [] };
  const keys = new Set<string>();
  for (const request of requested) {
    if (request.kind === 'invalid') {
      result.dropped.push({ scope: request, reason: request.reason });
      continue;
    }
    const grants = grantsFor(request, allowed);
    if (grants.length === 0) result.dropped.push({ scope: request, reason: dropReason(request) });
    for (const grant of grants) {
      const key = formatScope(grant);
      if (keys.has(key)) continue;
      keys.add(key);
      result.granted.push(grant);
    }
  }
  return result;
}
