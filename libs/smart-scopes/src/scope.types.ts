/**
 * Value types for SMART on openEHR / SMART on FHIR scopes.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */

/** Whose data a resource scope reaches. */
export type Compartment = 'patient' | 'user' | 'system';

/** One SMART v2 permission letter: create, read, update, delete, search. */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

/** openEHR resource families addressable by a scope. */
export type OpenEhrResource = 'composition' | 'template' | 'aql';

/** Scope grammar generation: v1 (`.read`/`.write`/`.*`) or v2 (`.cruds` letters). */
export type ScopeVersion = 'v1' | 'v2';

/** `patient/composition-MyHospital::Vitals.v1.rs` */
export interface OpenEhrScope {
  kind: 'openehr';
  raw: string;
  compartment: Compartment;
  resource: OpenEhrResource;
  /** Decoded id pattern (may contain `*` / `**` wildcards). */
  id: string;
  /** Canonical order, see {@link PERMISSION_ORDER}. */
  permissions: readonly Permission[];
  version: ScopeVersion;
}

/** `patient/Observation.rs?category=...` */
export interface FhirScope {
  kind: 'fhir';
  raw: string;
  compartment: Compartment;
  /** `[A-Z][A-Za-z]*` or `*`. */
  resourceType: string;
  permissions: readonly Permission[];
  /** Query parameters, sorted by name then value, deduplicated. */
  params: readonly (readonly [string, string])[];
  version: ScopeVersion;
}

/** `launch`, `launch/patient`, `launch/encounter?role=https://...` */
export interface LaunchScope {
  kind: 'launch';
  raw: string;
  /** `'launch'` for bare `launch`, else the requested context (`patient`, `encounter`, ...). */
  context: string;
  role?: string;
}

/** Names of the identity / session scopes. */
export type IdentityName = 'openid' | 'fhirUser' | 'profile' | 'offline_access' | 'online_access';

/** `openid`, `fhirUser`, `profile`, `offline_access`, `online_access` */
export interface IdentityScope {
  kind: 'identity';
  raw: string;
  name: IdentityName;
}

/** A custom scope: a URI, `__`-prefixed, or allow-listed by the caller. */
export interface OtherScope {
  kind: 'other';
  raw: string;
}

/** A token that is not a scope we understand, with the reason. */
export interface InvalidScope {
  kind: 'invalid';
  raw: string;
  reason: string;
}

export type ValidScope = OpenEhrScope | FhirScope | LaunchScope | IdentityScope | OtherScope;
export type ParsedScope = ValidScope | InvalidScope;
export type ResourceScope = OpenEhrScope | FhirScope;

/** Options for {@link parseScope} and {@link parseScopes}. */
export interface ParseOptions {
  /** Extra exact scope tokens accepted as kind `other` (e.g. `admin`, `launch:create`). */
  extraScopes?: readonly string[];
}

/** What an operation needs. */
export interface RequiredAccess {
  compartment: Compartment;
  resource: OpenEhrResource;
  /** A concrete id, or `'*'` meaning "any id" (the grant must match every id). */
  id: string;
  permission: Permission;
}

/** Narrowing a request to a registration: never widens. */
export interface IntersectResult {
  granted: ValidScope[];
  dropped: { scope: ParsedScope; reason: string }[];
}

/** Canonical permission order. */
export const PERMISSION_ORDER: readonly Permission[] = Object.freeze(['c', 'r', 'u', 'd', 's']);

export const COMPARTMENTS: readonly Compartment[] = Object.freeze(['patient', 'user', 'system']);

export const OPENEHR_RESOURCES: readonly OpenEhrResource[] = Object.freeze([
  'composition',
  'template',
  'aql',
]);

/**
 * The identity / session scope names: `openid`, the session scopes, then the user-identity ones
 * (the order servers list them in `scopes_supported`).
 */
export const IDENTITY_NAMES: readonly IdentityName[] = Object.freeze([
  'openid',
  'offline_access',
  'online_access',
  'fhirUser',
  'profile',
]);

/**
 * The launch-context scopes a server lists in `scopes_supported`: bare `launch` (EHR launch) and
 * the standalone-launch requests for a patient, an encounter, or an openEHR episode. The parser
 * accepts any `launch/<context>`; these are the contexts servers know.
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#scopes-for-requesting-context-data
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Context Selection)
 */
export const LAUNCH_SCOPE_NAMES: readonly string[] = Object.freeze([
  'launch',
  'launch/patient',
  'launch/encounter',
  'launch/episode',
]);

/** Longest scope token accepted by the parser. */
export const MAX_SCOPE_LENGTH = 512;

/** Most distinct tokens {@link parseScopes} will parse; the rest are reported invalid. */
export const MAX_SCOPE_COUNT = 500;

/**
 * True for resource scopes (openEHR or FHIR).
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function isResourceScope(scope: ParsedScope): scope is ResourceScope {
  return scope.kind === 'openehr' || scope.kind === 'fhir';
}
