import type { IdTarget, ScopeTexts } from './scope-texts.types.js';

/** `aller Vorlagen` / `der Vorlagen, die auf „X*“ passen` / `der Vorlage „X“` (genitive). */
const ofTemplates = (t: IdTarget): string =>
  t.kind === 'all'
    ? 'aller Vorlagen'
    : t.kind === 'pattern'
      ? `der Vorlagen, die auf „${t.id}“ passen,`
      : `der Vorlage „${t.id}“`;

const FHIR_PLACE = {
  patient: 'des ausgewählten Patienten',
  user: ', auf die Sie zugreifen können,',
  system: 'des gesamten Systems (Systemzugriff)',
} as const;

const ROLE = (role: string | undefined) => (role === undefined ? '' : ` (Rolle ${role})`);

/** German scope descriptions (infinitive sentences: object first, verbs last). */
export const SCOPE_TEXTS_DE: ScopeTexts = {
  verbs: { c: 'anlegen', r: 'lesen', u: 'ändern', d: 'löschen', s: 'suchen' },
  runVerb: 'ausführen',
  joinVerbs: (words) =>
    words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} und ${words.at(-1)}`,
  openEhrObject: (resource, t) => {
    switch (resource) {
      case 'composition':
        return `Kompositionen ${ofTemplates(t)}`;
      case 'template':
        return t.kind === 'all'
          ? 'Alle Vorlagen'
          : t.kind === 'pattern'
            ? `Vorlagen, die auf „${t.id}“ passen,`
            : `Die Vorlage „${t.id}“`;
      case 'aql':
        return t.kind === 'all'
          ? 'Alle gespeicherten Abfragen'
          : t.kind === 'pattern'
            ? `Gespeicherte Abfragen, die auf „${t.id}“ passen,`
            : `Die gespeicherte Abfrage „${t.id}“`;
    }
  },
  openEhrPlace: {
    patient: 'in der Patientenakte (EHR) des ausgewählten Patienten',
    user: 'in den Patientenakten (EHRs), auf die Sie zugreifen können,',
    system: 'in allen Patientenakten (Systemzugriff)',
  },
  openEhr: (verbs, object, place) => `${object} ${place} ${verbs}`,
  fhir: (verbs, type, filters, place) => {
    const what = type === undefined ? 'Alle FHIR-Ressourcen' : `${type}-Ressourcen`;
    const filter = filters.length === 0 ? '' : ` mit ${filters.join(' und ')}`;
    const where = FHIR_PLACE[place];
    return `${what}${filter}${where.startsWith(',') ? '' : ' '}${where} ${verbs}`;
  },
  launch: (context, role) => {
    switch (context) {
      case 'launch':
        return 'Den Kontext (Patient, Behandlungsfall, ...) der Anwendung verwenden, die diese App gestartet hat';
      case 'patient':
        return `Einen Patienten bzw. eine Patientenakte (EHR) zur Bearbeitung auswählen${ROLE(role)}`;
      case 'encounter':
        return `Einen Behandlungsfall (Encounter) zur Bearbeitung auswählen${ROLE(role)}`;
      case 'episode':
        return `Eine Behandlungsepisode zur Bearbeitung auswählen${ROLE(role)}`;
      default:
        return `Einen Kontext „${context}“ zur Bearbeitung auswählen${ROLE(role)}`;
    }
  },
  identity: {
    openid: 'Wissen, wer Sie sind',
    fhirUser: 'Ihren Benutzerdatensatz kennen (Behandelnde, Patient oder Angehörige)',
    profile: 'Ihr Basisprofil sehen (etwa Ihren Namen)',
    offline_access: 'Zugriff behalten, auch wenn Sie offline sind',
    online_access: 'Zugriff behalten, solange Sie online sind',
  },
  other: (raw) => `Die benutzerdefinierte Berechtigung „${raw}“ verwenden`,
};
