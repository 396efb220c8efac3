/**
 * fast-check arbitraries shared by the smart-scopes property tests. Scopes are generated as
 * structured values, formatted and parsed back, so `raw` is always consistent.
 */
import fc from 'fast-check';
import {
  COMPARTMENTS,
  OPENEHR_RESOURCES,
  PERMISSION_ORDER,
  formatScope,
  parseScope,
  type ParsedScope,
  type Permission,
  type ValidScope,
} from '../src/index.js';

/** Small alphabets so that patterns overlap often. */
export const idChars = ['a', 'b', ':', '.'] as const;
export const patternChars = [...idChars, '*'] as const;

export const idArb = fc.string({ unit: fc.constantFrom(...idChars), maxLength: 8 });
export const patternArb = fc.string({ unit: fc.constantFrom(...patternChars), maxLength: 8 });

/** Patterns that are short and dense in wildcards, for chains of inclusion. */
export const tinyPatternArb = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', ':', '*'), maxLength: 4 }),
  fc.constantFrom('*', '**', 'a', 'a*', '*a', 'a**', '**a', 'a::*', '*::a', 'a::a', 'a:*', '*:*'),
);

/** A non-empty id, sometimes with characters that need percent-encoding. */
const encodableIdArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...patternChars), minLength: 1, maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('A', ' ', '%', '"', '\\', 'é', '/', '?'), minLength: 1 }),
);

const permissionsArb = fc.subarray([...PERMISSION_ORDER], { minLength: 1 });
const fewPermissionsArb = fc.subarray<Permission>(['r', 's'], { minLength: 1 });
const compartmentArb = fc.constantFrom(...COMPARTMENTS);

function reparse(scope: ValidScope): ValidScope {
  const parsed = parseScope(formatScope(scope));
  if (parsed.kind === 'invalid') throw new Error(`${formatScope(scope)}: ${parsed.reason}`);
  return parsed;
}

function openEhrArb(ids: fc.Arbitrary<string>, dense = false) {
  return fc
    .record({
      compartment: dense ? fc.constant('patient' as const) : compartmentArb,
      resource: dense ? fc.constant('composition' as const) : fc.constantFrom(...OPENEHR_RESOURCES),
      id: ids.filter((id) => id !== ''),
      permissions: dense ? fewPermissionsArb : permissionsArb,
    })
    .map((s) => reparse({ kind: 'openehr', raw: '', version: 'v2', ...s }));
}

const fhirParamArb = fc.constantFrom<readonly [string, string]>(
  ['category', 'laboratory'],
  ['category', 'vital-signs'],
  ['code', 'http://loinc.org|1234-5'],
);

function fhirArb(dense = false) {
  return fc
    .record({
      compartment: dense ? fc.constant('patient' as const) : compartmentArb,
      resourceType: fc.constantFrom('Observation', 'Patient', '*'),
      permissions: dense ? fewPermissionsArb : permissionsArb,
      params: fc
        .subarray([['category', 'laboratory'] as const])
        .chain((base) =>
          fc.uniqueArray(fhirParamArb, { maxLength: 2 }).map((more) => [...base, ...more]),
        ),
    })
    .map((s) => reparse({ kind: 'fhir', raw: '', version: 'v2', ...s }));
}

const otherScopeArb = fc
  .constantFrom(
    'launch',
    'launch/patient',
    'launch/encounter?role=https://example.org/role',
    'openid',
    'fhirUser',
    'offline_access',
    'https://example.org/scope',
    '__custom',
  )
  .map((raw) => reparse({ kind: 'other', raw }));

/** Any valid scope; resource scopes over small alphabets so that they overlap. */
export const validScopeArb: fc.Arbitrary<ValidScope> = fc.oneof(
  { weight: 4, arbitrary: openEhrArb(encodableIdArb) },
  { weight: 2, arbitrary: fhirArb() },
  { weight: 1, arbitrary: otherScopeArb },
);

/** Scopes of one compartment, tiny patterns and few permissions, so that inclusion is common. */
export const denseScopeArb: fc.Arbitrary<ValidScope> = fc.oneof(
  { weight: 4, arbitrary: openEhrArb(tinyPatternArb, true) },
  { weight: 2, arbitrary: fhirArb(true) },
  { weight: 1, arbitrary: otherScopeArb },
);

/** Requests also hold v1 spellings and invalid tokens. */
export const requestedScopeArb: fc.Arbitrary<ParsedScope> = fc.oneof(
  { weight: 5, arbitrary: denseScopeArb },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('patient/composition-*.read', 'patient/Observation.write', 'patient/*.*')
      .map((raw) => parseScope(raw)),
  },
  { weight: 1, arbitrary: fc.constantFrom('patient/x.r', 'bogus').map((raw) => parseScope(raw)) },
);

/** Strips what format∘parse may legitimately change. */
export function shapeOf(scope: ValidScope): unknown {
  if (scope.kind !== 'openehr' && scope.kind !== 'fhir') return scope;
  return Object.fromEntries(Object.entries(scope).filter(([k]) => k !== 'raw' && k !== 'version'));
}
