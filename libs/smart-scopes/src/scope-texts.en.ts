import type { IdTarget, ScopeTexts } from './scope-texts.types.js';

const target = (t: IdTarget, singular: string, plural: string): string =>
  t.kind === 'all'
    ? `all ${plural}`
    : t.kind === 'pattern'
      ? `${plural} matching “${t.id}”`
      : `${singular} “${t.id}”`;

const FHIR_PLACE = {
  patient: 'for the selected patient',
  user: 'that you can access',
  system: 'on the whole system (system access)',
} as const;

const ROLE = (role: string | undefined) => (role === undefined ? '' : ` (role ${role})`);

/** English scope descriptions. */
export const SCOPE_TEXTS_EN: ScopeTexts = {
  verbs: { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' },
  runVerb: 'run',
  joinVerbs: (words) =>
    words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`,
  openEhrObject: (resource, t) => {
    switch (resource) {
      case 'composition':
        return `compositions of ${target(t, 'template', 'templates')}`;
      case 'template':
        return target(t, 'template', 'templates');
      case 'aql':
        return target(t, 'stored query', 'stored queries');
    }
  },
  openEhrPlace: {
    patient: "in the selected patient's EHR",
    user: 'in the EHRs you can access',
    system: 'in all EHRs (system access)',
  },
  openEhr: (verbs, object, place) => `${verbs} ${object} ${place}`,
  fhir: (verbs, type, filters, place) => {
    const filter = filters.length === 0 ? '' : ` where ${filters.join(' and ')}`;
    return `${verbs} ${type ?? 'all FHIR'} resources${filter} ${FHIR_PLACE[place]}`;
  },
  launch: (context, role) => {
    switch (context) {
      case 'launch':
        return 'Use the context (patient, encounter, ...) of the application that launched this app';
      case 'patient':
        return `Choose a patient/EHR to work with${ROLE(role)}`;
      case 'encounter':
        return `Choose an encounter to work with${ROLE(role)}`;
      case 'episode':
        return `Choose an episode of care to work with${ROLE(role)}`;
      default:
        return `Choose a ${context} to work with${ROLE(role)}`;
    }
  },
  identity: {
    openid: 'Know who you are',
    fhirUser: 'Know your user record (practitioner, patient or related person)',
    profile: 'See your basic profile (such as your name)',
    offline_access: 'Keep access when you are offline',
    online_access: 'Keep access while you are online',
  },
  other: (raw) => `Use the custom permission “${raw}”`,
};
