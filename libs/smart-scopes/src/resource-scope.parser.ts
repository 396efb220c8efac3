import { decodeId } from './id.codec.js';
import { parsePermissions } from './permission.parser.js';
import {
  OPENEHR_RESOURCES,
  type Compartment,
  type FhirScope,
  type InvalidScope,
  type OpenEhrResource,
  type OpenEhrScope,
} from './scope.types.js';

const FHIR_TYPE = /^(?:[A-Z][A-Za-z]*|\*)$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

function invalid(raw: string, reason: string): InvalidScope {
  return { kind: 'invalid', raw, reason };
}

/** `composition-X` → `composition`, or undefined when not an openEHR resource. */
function openEhrResourceOf(resourcePart: string): OpenEhrResource | undefined {
  return OPENEHR_RESOURCES.find((r) => resourcePart.startsWith(`${r}-`));
}

/**
 * Parses the part after `<compartment>/` as an openEHR resource scope
 * (`composition-<id>.<perms>`, `template-<id>.<perms>`, `aql-<id>.<perms>`), splitting at the
 * last `.` and percent-decoding the id.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
function parseOpenEhr(
  raw: string,
  compartment: Compartment,
  resource: OpenEhrResource,
  rest: string,
): OpenEhrScope | InvalidScope {
  const dot = rest.lastIndexOf('.');
  if (dot < 0) return invalid(raw, 'missing ".<permissions>"');
  const perms = parsePermissions(rest.slice(dot + 1));
  if (!perms.ok) return invalid(raw, perms.reason);
  const encoded = rest.slice(resource.length + 1, dot);
  if (encoded === '') return invalid(raw, `empty ${resource} id`);
  const decoded = decodeId(encoded);
  if (!decoded.ok) return invalid(raw, decoded.reason);
  const { permissions, version } = perms;
  return { kind: 'openehr', raw, compartment, resource, id: decoded.id, permissions, version };
}

/** Parses `a=1&b=2` into sorted, deduplicated pairs, or a reason. */
function parseParams(query: string): (readonly [string, string])[] | string {
  const pairs = new Map<string, readonly [string, string]>();
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) return `query parameter "${part}" has no "="`;
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (!PARAM_NAME.test(name)) return `invalid query parameter name "${name}"`;
    if (value === '') return `empty value for query parameter "${name}"`;
    pairs.set(`${name}=${value}`, [name, value]);
  }
  return [...pairs.values()].sort(compareParams);
}

function compareParams(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/** Parses `<Type>.<perms>[?query]` as a SMART v2 FHIR resource scope. */
function parseFhir(raw: string, compartment: Compartment, rest: string): FhirScope | InvalidScope {
  const question = rest.indexOf('?');
  const head = question < 0 ? rest : rest.slice(0, question);
  const dot = head.lastIndexOf('.');
  if (dot < 0) return invalid(raw, 'missing ".<permissions>"');
  const resourceType = head.slice(0, dot);
  if (!FHIR_TYPE.test(resourceType)) return invalid(raw, `invalid FHIR resource type`);
  const perms = parsePermissions(head.slice(dot + 1));
  if (!perms.ok) return invalid(raw, perms.reason);
  const params = question < 0 ? [] : parseParams(rest.slice(question + 1));
  if (typeof params === 'string') return invalid(raw, params);
  const { permissions, version } = perms;
  return { kind: 'fhir', raw, compartment, resourceType, permissions, params, version };
}

/**
 * Parses the part of a resource scope after `<compartment>/`: openEHR when it starts with
 * `composition-`, `template-` or `aql-`; FHIR when it starts with an upper-case letter or `*`.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function parseResourceScope(
  raw: string,
  compartment: Compartment,
  rest: string,
): OpenEhrScope | FhirScope | InvalidScope {
  const resource = openEhrResourceOf(rest);
  if (resource !== undefined) return parseOpenEhr(raw, compartment, resource, rest);
  const first = rest.charCodeAt(0);
  if (rest.startsWith('*') || (first >= 0x41 && first <= 0x5a)) {
    return parseFhir(raw, compartment, rest);
  }
  return invalid(raw, 'unknown resource: expected composition-, template-, aql- or a FHIR type');
}
