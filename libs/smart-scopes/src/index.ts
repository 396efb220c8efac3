/**
 * SMART on openEHR / SMART on FHIR scope grammar and algebra: parse, format, match, narrow and
 * describe scopes. Pure TypeScript, no I/O.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 * @packageDocumentation
 */
export type {
  Compartment,
  FhirScope,
  IdentityName,
  IdentityScope,
  IntersectResult,
  InvalidScope,
  LaunchScope,
  OpenEhrResource,
  OpenEhrScope,
  OtherScope,
  ParsedScope,
  ParseOptions,
  Permission,
  RequiredAccess,
  ResourceScope,
  ScopeVersion,
  ValidScope,
} from './scope.types.js';
export {
  COMPARTMENTS,
  IDENTITY_NAMES,
  isResourceScope,
  LAUNCH_SCOPE_NAMES,
  MAX_SCOPE_COUNT,
  MAX_SCOPE_LENGTH,
  OPENEHR_RESOURCES,
  PERMISSION_ORDER,
} from './scope.types.js';
export { parseScope, parseScopes } from './scope.parser.js';
export { formatScope, formatScopes, toV2 } from './scope.formatter.js';
export { isIdPatternWithin, matchesEveryId, matchesId } from './id-pattern.matcher.js';
export { isScopeWithin, isTargetWithin, permits, permitsAny } from './scope.algebra.js';
export { intersectScopes } from './scope.intersector.js';
export { describeScope } from './scope.describer.js';
export { SCOPE_LOCALES, type ScopeLocale } from './scope-texts.types.js';
