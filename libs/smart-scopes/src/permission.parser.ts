import { PERMISSION_ORDER, type Permission, type ScopeVersion } from './scope.types.js';

/** Result of parsing the permission suffix of a resource scope. */
export type PermissionParse =
  | { ok: true; permissions: readonly Permission[]; version: ScopeVersion }
  | { ok: false; reason: string };

const V1_SUFFIXES: Readonly<Record<string, readonly Permission[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

/**
 * Parses the text after the last `.` of a resource scope: SMART v2 letters (`cruds` subset in
 * canonical order, no repeats) or a SMART v1 suffix (`read`, `write`, `*`), normalised.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function parsePermissions(suffix: string): PermissionParse {
  if (Object.hasOwn(V1_SUFFIXES, suffix)) {
    return { ok: true, permissions: V1_SUFFIXES[suffix] ?? [], version: 'v1' };
  }
  if (suffix === '') return { ok: false, reason: 'missing permissions' };
  const permissions: Permission[] = [];
  let last = -1;
  for (const letter of suffix) {
    const index = PERMISSION_ORDER.indexOf(letter as Permission);
    if (index < 0) return { ok: false, reason: `unknown permission "${letter}" in "${suffix}"` };
    if (index === last) return { ok: false, reason: `repeated permission "${letter}"` };
    if (index < last) {
      return { ok: false, reason: `permissions "${suffix}" not in the order c, r, u, d, s` };
    }
    last = index;
    permissions.push(letter as Permission);
  }
  return { ok: true, permissions, version: 'v2' };
}

/**
 * Sorts and deduplicates permission letters into canonical `cruds` order.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function canonicalPermissions(permissions: Iterable<Permission>): Permission[] {
  const set = new Set(permissions);
  return PERMISSION_ORDER.filter((p) => set.has(p));
}

/**
 * True when every permission in `inner` is also in `outer`.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function permissionsWithin(
  inner: readonly Permission[],
  outer: readonly Permission[],
): boolean {
  return inner.every((p) => outer.includes(p));
}

/**
 * The permissions present in both lists, in canonical order.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function intersectPermissions(
  a: readonly Permission[],
  b: readonly Permission[],
): Permission[] {
  return PERMISSION_ORDER.filter((p) => a.includes(p) && b.includes(p));
}
