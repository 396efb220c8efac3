import type { SmartAccountClaims } from '../accounts/account.port.js';
import type { ResolvedExternalClaims } from '../options/external-login.options.js';

/** The local account an identity server's claims map to, and what had to be left out (claim names only). */
export interface MappedAccount {
  account: SmartAccountClaims;
  /** One line per mapped claim that was present with the wrong type, e.g. `ehrId: claim ehr_id is not a string`. */
  problems: string[];
}

type Claims = Record<string, unknown>;

/** The value at a claim name or dotted path (`a.b`: member `b` of object claim `a`). */
export function claimAt(claims: Claims, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Claims)[segment];
  }
  return value;
}

const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((r) => typeof r === 'string' && r.length > 0);

/**
 * The roles the claims grant: a plain list claim, Keycloak's realm roles (`realm_access.roles`)
 * and client roles (`resource_access.<client>.roles`), as configured; their union. A source of
 * the wrong shape adds nothing and is reported (fail closed: fewer roles, never more).
 * @see https://www.keycloak.org/docs/latest/server_admin/#_role_mappers
 */
export function rolesFromClaims(
  claims: Claims,
  mapping: ResolvedExternalClaims['roles'],
  problems: string[] = [],
): string[] {
  const paths = [
    mapping.claim,
    ...(mapping.realm ? ['realm_access.roles'] : []),
    ...mapping.clients.map((client) => `resource_access.${client}.roles`),
  ];
  const found = new Set<string>();
  for (const path of paths) {
    const value = path === mapping.claim ? claimAt(claims, path) : memberAt(claims, path);
    if (value === undefined) continue;
    if (isStringList(value)) value.forEach((role) => found.add(role));
    else problems.push(`roles: claim ${path} is not a list of role names`);
  }
  return [...found].sort();
}

/** Like {@link claimAt} but segment by segment only (client ids may contain dots: split at the first and last). */
function memberAt(claims: Claims, path: string): unknown {
  const first = path.indexOf('.');
  const last = path.lastIndexOf('.');
  const segments = [path.slice(0, first), path.slice(first + 1, last), path.slice(last + 1)];
  let value: unknown = claims;
  for (const segment of first === last ? path.split('.') : segments) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Claims)[segment];
  }
  return value;
}

/**
 * Maps an identity server's claims (verified ID token, optionally userinfo) to the local account
 * by the configured claim names (`externalLogin.claims`). A claim present with the wrong type is
 * left out and reported: no `ehrId` means no `patient/` scope (decisions.md item 6), no role means
 * no resource scope.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
 */
export function accountFromClaims(claims: Claims, mapping: ResolvedExternalClaims): MappedAccount {
  const problems: string[] = [];
  const text = (field: string, path: string): string | undefined => {
    const value = claimAt(claims, path);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    problems.push(`${field}: claim ${path} is not a non-empty string`);
    return undefined;
  };
  const roles = rolesFromClaims(claims, mapping.roles, problems);
  const account: SmartAccountClaims = {
    sub: String(claims.sub),
    name: mapping.name.map((path) => text('name', path)).find(Boolean),
    given_name: text('given_name', 'given_name'),
    family_name: text('family_name', 'family_name'),
    fhirUser: text('fhirUser', mapping.fhirUser),
    ehrId: text('ehrId', mapping.ehrId),
    patient: text('patient', mapping.patient),
    roles,
  };
  return { account, problems };
}
