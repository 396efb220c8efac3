import { matchesEveryId } from './id-pattern.matcher.js';
import type {
  Compartment,
  FhirScope,
  IdentityName,
  LaunchScope,
  OpenEhrResource,
  OpenEhrScope,
  Permission,
  ValidScope,
} from './scope.types.js';

const VERBS: Readonly<Record<Permission, string>> = {
  c: 'create',
  r: 'read',
  u: 'update',
  d: 'delete',
  s: 'search',
};

const OPENEHR_PLACE: Readonly<Record<Compartment, string>> = {
  patient: "in the selected patient's EHR",
  user: 'in the EHRs you can access',
  system: 'in all EHRs (system access)',
};

const FHIR_PLACE: Readonly<Record<Compartment, string>> = {
  patient: 'for the selected patient',
  user: 'that you can access',
  system: 'on the whole system (system access)',
};

const IDENTITY: Readonly<Record<IdentityName, string>> = {
  openid: 'Know who you are',
  fhirUser: 'Know your user record (practitioner, patient or related person)',
  profile: 'See your basic profile (such as your name)',
  offline_access: 'Keep access when you are offline',
  online_access: 'Keep access while you are online',
};

/** `read and search` → `Read and search`; three or more joined with commas. */
function verbs(permissions: readonly Permission[], execute: boolean): string {
  const words = permissions.map((p) => (execute && p === 's' ? 'run' : VERBS[p]));
  const last = words.pop() ?? '';
  const text = words.length === 0 ? last : `${words.join(', ')} and ${last}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What an id pattern covers, e.g. `template “X”`, `all templates`, `templates matching “X*”`. */
function target(id: string, singular: string, plural: string): string {
  if (matchesEveryId(id)) return `all ${plural}`;
  if (id.includes('*')) return `${plural} matching “${id}”`;
  return `${singular} “${id}”`;
}

function openEhrObject(resource: OpenEhrResource, id: string): string {
  switch (resource) {
    case 'composition':
      return `compositions of ${target(id, 'template', 'templates')}`;
    case 'template':
      return target(id, 'template', 'templates');
    case 'aql':
      return target(id, 'stored query', 'stored queries');
  }
}

function describeOpenEhr(scope: OpenEhrScope): string {
  const action = verbs(scope.permissions, scope.resource === 'aql');
  return `${action} ${openEhrObject(scope.resource, scope.id)} ${OPENEHR_PLACE[scope.compartment]}`;
}

function describeFhir(scope: FhirScope): string {
  const what = scope.resourceType === '*' ? 'all FHIR' : scope.resourceType;
  const where = scope.params.map(([name, value]) => `${name} = ${value}`).join(' and ');
  const filter = where === '' ? '' : ` where ${where}`;
  return `${verbs(scope.permissions, false)} ${what} resources${filter} ${FHIR_PLACE[scope.compartment]}`;
}

function describeLaunch(scope: LaunchScope): string {
  const role = scope.role === undefined ? '' : ` (role ${scope.role})`;
  switch (scope.context) {
    case 'launch':
      return 'Use the context (patient, encounter, ...) of the application that launched this app';
    case 'patient':
      return `Choose a patient/EHR to work with${role}`;
    case 'encounter':
      return `Choose an encounter to work with${role}`;
    case 'episode':
      return `Choose an episode of care to work with${role}`;
    default:
      return `Choose a ${scope.context} to work with${role}`;
  }
}

/**
 * Human words for a consent page, e.g. "Read and search compositions of template
 * “MyHospital::Vitals.v1” in the selected patient's EHR".
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function describeScope(scope: ValidScope): string {
  switch (scope.kind) {
    case 'openehr':
      return describeOpenEhr(scope);
    case 'fhir':
      return describeFhir(scope);
    case 'launch':
      return describeLaunch(scope);
    case 'identity':
      return IDENTITY[scope.name];
    case 'other':
      return `Use the custom permission “${scope.raw}”`;
  }
}
