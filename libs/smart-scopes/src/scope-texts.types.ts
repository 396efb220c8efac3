import type { Compartment, IdentityName, OpenEhrResource, Permission } from './scope.types.js';

/** The languages `describeScope` speaks (BCP 47 primary language tags). */
export const SCOPE_LOCALES = ['en', 'de'] as const;
export type ScopeLocale = (typeof SCOPE_LOCALES)[number];

/** How an id pattern reads: every id, a wildcard pattern, or one id. */
export type IdTarget =
  { kind: 'all' } | { kind: 'pattern'; id: string } | { kind: 'one'; id: string };

/**
 * Every text of one language's scope descriptions. Each language is one object of this type, so
 * a missing text fails the type check. Sentences are built whole per language (word order
 * differs), from the already-worded parts.
 */
export interface ScopeTexts {
  verbs: Readonly<Record<Permission, string>>;
  /** The verb for `s` on stored queries (`aql`). */
  runVerb: string;
  /** `read, update and delete`. */
  joinVerbs(words: readonly string[]): string;
  /** What an openEHR scope covers, e.g. `compositions of all templates`. */
  openEhrObject(resource: OpenEhrResource, target: IdTarget): string;
  openEhrPlace: Readonly<Record<Compartment, string>>;
  /** The sentence of an openEHR scope. */
  openEhr(verbs: string, object: string, place: string): string;
  /** The sentence of a FHIR scope; `type` is undefined for `*`, `filters` are `name = value`. */
  fhir(
    verbs: string,
    type: string | undefined,
    filters: readonly string[],
    place: Compartment,
  ): string;
  /** Launch context scopes; `role` is the `role` parameter, if any. */
  launch(context: string, role: string | undefined): string;
  identity: Readonly<Record<IdentityName, string>>;
  other(raw: string): string;
}
