import { matchesEveryId } from './id-pattern.matcher.js';
import { SCOPE_TEXTS_DE } from './scope-texts.de.js';
import { SCOPE_TEXTS_EN } from './scope-texts.en.js';
import type { IdTarget, ScopeLocale, ScopeTexts } from './scope-texts.types.js';
import type { FhirScope, OpenEhrScope, Permission, ValidScope } from './scope.types.js';

/** One text set per language; a language missing here fails the type check. */
const TEXTS: Readonly<Record<ScopeLocale, ScopeTexts>> = { en: SCOPE_TEXTS_EN, de: SCOPE_TEXTS_DE };

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function verbs(texts: ScopeTexts, permissions: readonly Permission[], execute: boolean): string {
  return texts.joinVerbs(
    permissions.map((p) => (execute && p === 's' ? texts.runVerb : texts.verbs[p])),
  );
}

function idTarget(id: string): IdTarget {
  if (matchesEveryId(id)) return { kind: 'all' };
  return id.includes('*') ? { kind: 'pattern', id } : { kind: 'one', id };
}

function describeOpenEhr(texts: ScopeTexts, scope: OpenEhrScope): string {
  return texts.openEhr(
    verbs(texts, scope.permissions, scope.resource === 'aql'),
    texts.openEhrObject(scope.resource, idTarget(scope.id)),
    texts.openEhrPlace[scope.compartment],
  );
}

function describeFhir(texts: ScopeTexts, scope: FhirScope): string {
  return texts.fhir(
    verbs(texts, scope.permissions, false),
    scope.resourceType === '*' ? undefined : scope.resourceType,
    scope.params.map(([name, value]) => `${name} = ${value}`),
    scope.compartment,
  );
}

/**
 * Human words for a consent page, e.g. "Read and search compositions of template
 * “MyHospital::Vitals.v1” in the selected patient's EHR", in English (`en`, the default) or
 * German (`de`). An unknown `locale` (from untyped callers) gets English. Pure: no I/O.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function describeScope(scope: ValidScope, locale: ScopeLocale = 'en'): string {
  const texts = Object.hasOwn(TEXTS, locale) ? TEXTS[locale] : TEXTS.en;
  switch (scope.kind) {
    case 'openehr':
      return capitalised(describeOpenEhr(texts, scope));
    case 'fhir':
      return capitalised(describeFhir(texts, scope));
    case 'launch':
      return texts.launch(scope.context, scope.role);
    case 'identity':
      return texts.identity[scope.name];
    case 'other':
      return texts.other(scope.raw);
  }
}
