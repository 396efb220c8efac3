import fc from 'fast-check';
import { validScopeArb } from '../test/scope.arbitraries.js';
import { describeScope } from './scope.describer.js';
import { parseScope } from './scope.parser.js';
import type { ScopeLocale } from './scope-texts.types.js';
import type { ValidScope } from './scope.types.js';

function parsed(raw: string, extraScopes: string[] = []): ValidScope {
  const scope = parseScope(raw, { extraScopes });
  if (scope.kind === 'invalid') throw new Error(`${raw}: ${scope.reason}`);
  return scope;
}

describe(describeScope.name, () => {
  it.each([
    [
      'patient/composition-MyHospital::Vitals.v1.rs',
      "Read and search compositions of template “MyHospital::Vitals.v1” in the selected patient's EHR",
    ],
    [
      'patient/composition-*.rs',
      "Read and search compositions of all templates in the selected patient's EHR",
    ],
    [
      'patient/composition-**.read',
      "Read and search compositions of all templates in the selected patient's EHR",
    ],
    [
      'user/composition-MyHospital::*.cruds',
      'Create, read, update, delete and search compositions of templates matching “MyHospital::*” in the EHRs you can access',
    ],
    [
      'user/composition-X.cu',
      'Create and update compositions of template “X” in the EHRs you can access',
    ],
    ['system/template-*.c', 'Create all templates in all EHRs (system access)'],
    ['patient/template-A%20B.r', "Read template “A B” in the selected patient's EHR"],
    [
      'patient/aql-org.openehr::q1.rs',
      "Read and run stored query “org.openehr::q1” in the selected patient's EHR",
    ],
    ['user/aql-*.s', 'Run all stored queries in the EHRs you can access'],
    ['patient/Observation.rs', 'Read and search Observation resources for the selected patient'],
    [
      'user/*.cruds',
      'Create, read, update, delete and search all FHIR resources that you can access',
    ],
    [
      'patient/Observation.rs?category=laboratory',
      'Read and search Observation resources where category = laboratory for the selected patient',
    ],
    ['system/Patient.d', 'Delete Patient resources on the whole system (system access)'],
    ['launch/patient', 'Choose a patient/EHR to work with'],
    ['launch/encounter', 'Choose an encounter to work with'],
    ['launch/episode', 'Choose an episode of care to work with'],
    ['launch/practitioner', 'Choose a practitioner to work with'],
    ['launch/patient?role=https://x/r', 'Choose a patient/EHR to work with (role https://x/r)'],
    ['launch', expect.stringMatching(/launched this app/)],
    ['openid', 'Know who you are'],
    ['fhirUser', expect.stringMatching(/user record/)],
    ['profile', expect.stringMatching(/profile/)],
    ['offline_access', 'Keep access when you are offline'],
    ['online_access', 'Keep access while you are online'],
    ['__export', 'Use the custom permission “__export”'],
  ])('%j → %j', (raw, expected) => {
    expect(describeScope(parsed(raw))).toEqual(expected);
  });

  it('describes an allow-listed custom scope', () => {
    expect(describeScope(parsed('admin', ['admin']))).toBe('Use the custom permission “admin”');
  });

  it('always produces a capitalised sentence', () => {
    fc.assert(
      fc.property(validScopeArb, (scope) => {
        expect(describeScope(scope)).toMatch(/^[A-Z]\S* \S/);
      }),
    );
  });

  it('speaks English when the locale is unknown (untyped callers)', () => {
    expect(describeScope(parsed('openid'), 'xx' as ScopeLocale)).toBe('Know who you are');
  });
});

describe(`${describeScope.name} in German`, () => {
  it.each([
    [
      'patient/composition-MyHospital::Vitals.v1.rs',
      'Kompositionen der Vorlage „MyHospital::Vitals.v1“ in der Patientenakte (EHR) des ausgewählten Patienten lesen und suchen',
    ],
    [
      'user/composition-MyHospital::*.cruds',
      'Kompositionen der Vorlagen, die auf „MyHospital::*“ passen, in den Patientenakten (EHRs), auf die Sie zugreifen können, anlegen, lesen, ändern, löschen und suchen',
    ],
    ['system/template-*.c', 'Alle Vorlagen in allen Patientenakten (Systemzugriff) anlegen'],
    [
      'patient/aql-org.openehr::q1.rs',
      'Die gespeicherte Abfrage „org.openehr::q1“ in der Patientenakte (EHR) des ausgewählten Patienten lesen und ausführen',
    ],
    [
      'patient/Observation.rs?category=laboratory',
      'Observation-Ressourcen mit category = laboratory des ausgewählten Patienten lesen und suchen',
    ],
    [
      'user/*.cruds',
      'Alle FHIR-Ressourcen, auf die Sie zugreifen können, anlegen, lesen, ändern, löschen und suchen',
    ],
    ['system/Patient.d', 'Patient-Ressourcen des gesamten Systems (Systemzugriff) löschen'],
    [
      'launch/patient?role=https://x/r',
      'Einen Patienten bzw. eine Patientenakte (EHR) zur Bearbeitung auswählen (Rolle https://x/r)',
    ],
    ['launch/episode', 'Eine Behandlungsepisode zur Bearbeitung auswählen'],
    ['openid', 'Wissen, wer Sie sind'],
    ['offline_access', 'Zugriff behalten, auch wenn Sie offline sind'],
    ['__export', 'Die benutzerdefinierte Berechtigung „__export“ verwenden'],
  ])('%j → %j', (raw, expected) => {
    expect(describeScope(parsed(raw), 'de')).toBe(expected);
  });

  it('has a German text for every scope, different from the English one, capitalised', () => {
    fc.assert(
      fc.property(validScopeArb, (scope) => {
        const german = describeScope(scope, 'de');
        expect(german).toMatch(/^[A-ZÄÖÜ]\S* \S/);
        expect(german).not.toBe(describeScope(scope, 'en'));
      }),
    );
  });
});
