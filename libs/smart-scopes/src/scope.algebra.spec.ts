import fc from 'fast-check';
import { denseScopeArb, validScopeArb } from '../test/scope.arbitraries.js';
import { isScopeWithin, isTargetWithin, permits, permitsAny } from './scope.algebra.js';
import { parseScope } from './scope.parser.js';
import type { RequiredAccess, ResourceScope, ValidScope } from './scope.types.js';

function parsed(raw: string): ValidScope {
  const scope = parseScope(raw);
  if (scope.kind === 'invalid') throw new Error(`${raw}: ${scope.reason}`);
  return scope;
}

describe(isScopeWithin.name, () => {
  it.each([
    // openEHR
    ['patient/composition-MyHospital::Vitals.v1.r', 'patient/composition-MyHospital::*.rs', true],
    ['patient/composition-MyHospital::*.r', 'patient/composition-*.cruds', true],
    ['patient/composition-MyHospital::*.rs', 'patient/composition-MyHospital::*.read', true],
    ['patient/composition-MyHospital::*.cr', 'patient/composition-MyHospital::*.rs', false],
    ['patient/composition-*.r', 'patient/composition-MyHospital::*.r', false],
    ['user/composition-X.r', 'patient/composition-X.r', false],
    ['patient/template-X.r', 'patient/composition-X.r', false],
    ['patient/aql-X.r', 'patient/composition-*.r', false],
    ['patient/composition-X.r', 'patient/*.r', false],
    // FHIR
    ['patient/Observation.r', 'patient/Observation.rs', true],
    ['patient/Observation.rs', 'patient/*.rs', true],
    ['patient/*.rs', 'patient/Observation.rs', false],
    ['patient/Observation.rs?category=lab', 'patient/Observation.rs', true],
    ['patient/Observation.rs', 'patient/Observation.rs?category=lab', false],
    ['patient/Observation.rs?category=lab&status=final', 'patient/*.rs?category=lab', true],
    ['patient/Observation.rs?category=vital', 'patient/Observation.rs?category=lab', false],
    ['patient/Patient.r', 'patient/Observation.r', false],
    ['user/Observation.r', 'patient/Observation.r', false],
    // others: equal only
    ['launch/patient', 'launch/patient', true],
    ['launch/patient', 'launch', false],
    ['launch/patient?role=https://x/a', 'launch/patient', false],
    ['openid', 'openid', true],
    ['openid', 'profile', false],
    ['__a', '__a', true],
    ['__a', '__b', false],
    ['openid', 'patient/*.cruds', false],
    ['patient/*.cruds', 'openid', false],
  ])('%j within %j → %s', (inner, outer, expected) => {
    expect(isScopeWithin(parsed(inner), parsed(outer))).toBe(expected);
  });

  it('is reflexive', () => {
    fc.assert(fc.property(validScopeArb, (s) => expect(isScopeWithin(s, s)).toBe(true)));
  });

  it('is transitive', () => {
    let chains = 0;
    fc.assert(
      fc.property(fc.array(denseScopeArb, { minLength: 10, maxLength: 25 }), (pool) => {
        for (const a of pool) {
          for (const b of pool.filter((x) => x.raw !== a.raw && isScopeWithin(a, x))) {
            for (const c of pool.filter((x) => x.raw !== b.raw && isScopeWithin(b, x))) {
              chains += 1;
              expect(isScopeWithin(a, c)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
    expect(chains).toBeGreaterThan(500);
  });
});

describe(isTargetWithin.name, () => {
  it.each([
    ['patient/composition-X.r', 'patient/composition-*.c', true],
    ['patient/composition-*.r', 'patient/composition-X.cruds', false],
    ['patient/Observation.r', 'patient/*.c', true],
    ['patient/Observation.r', 'patient/composition-*.r', false],
  ])('%j target within %j → %s', (inner, outer, expected) => {
    expect(isTargetWithin(parsed(inner) as ResourceScope, parsed(outer) as ResourceScope)).toBe(
      expected,
    );
  });
});

const GRANTED = [
  'openid',
  'launch/patient',
  'patient/Observation.rs',
  'patient/composition-MyHospital::Vitals.v1.rs',
  'patient/template-org.openehr::*.r',
  'user/aql-MyHospital::**.s',
  'system/aql-*.r',
].map(parsed);

function need(
  compartment: RequiredAccess['compartment'],
  resource: RequiredAccess['resource'],
  id: string,
  permission: RequiredAccess['permission'],
): RequiredAccess {
  return { compartment, resource, id, permission };
}

describe(permits.name, () => {
  it.each<[RequiredAccess, boolean]>([
    [need('patient', 'composition', 'MyHospital::Vitals.v1', 'r'), true],
    [need('patient', 'composition', 'MyHospital::Vitals.v1', 's'), true],
    // differing only in template, permission letter, compartment, resource
    [need('patient', 'composition', 'MyHospital::Vitals.v2', 'r'), false],
    [need('patient', 'composition', 'MyHospital::Vitals.v1', 'c'), false],
    [need('patient', 'composition', 'MyHospital::Vitals.v1', 'u'), false],
    [need('patient', 'composition', 'MyHospital::Vitals.v1', 'd'), false],
    [need('user', 'composition', 'MyHospital::Vitals.v1', 'r'), false],
    [need('system', 'composition', 'MyHospital::Vitals.v1', 'r'), false],
    [need('patient', 'template', 'MyHospital::Vitals.v1', 'r'), false],
    // wildcards
    [need('patient', 'template', 'org.openehr::bloodpressure.v1', 'r'), true],
    [need('patient', 'template', 'org.openehr::a::b', 'r'), false],
    [need('patient', 'template', 'org.openehr::bloodpressure.v1', 's'), false],
    [need('user', 'aql', 'MyHospital::a::b', 's'), true],
    [need('user', 'aql', 'Other::a', 's'), false],
    // "any id" needs an all-matching pattern
    [need('user', 'aql', '*', 's'), false],
    [need('system', 'aql', '*', 'r'), true],
    [need('system', 'aql', 'anything::at.all', 'r'), true],
    [need('patient', 'template', '*', 'r'), false],
  ])('%j → %s', (required, expected) => {
    expect(permits(GRANTED, required)).toBe(expected);
  });

  it('ignores FHIR, launch and identity grants', () => {
    const granted = ['patient/*.cruds', 'launch/patient', 'openid', '__all'].map(parsed);
    expect(permits(granted, need('patient', 'composition', 'X', 'r'))).toBe(false);
  });

  it.each([
    ['system/aql-**.s', true],
    ['system/aql-***.s', true],
    ['system/aql-*::*.s', false],
    ['system/aql-%2A.s', true],
  ])('any-id need vs %j → %s', (grant, expected) => {
    expect(permits([parsed(grant)], need('system', 'aql', '*', 's'))).toBe(expected);
  });
});

describe(permitsAny.name, () => {
  it.each<[RequiredAccess[], boolean]>([
    [[], false],
    [[need('patient', 'composition', 'X', 'r')], false],
    [[need('patient', 'composition', 'X', 'r'), need('system', 'aql', 'q', 'r')], true],
    [[need('system', 'aql', 'q', 'r'), need('patient', 'composition', 'X', 'r')], true],
  ])('%j → %s', (needs, expected) => {
    expect(permitsAny(GRANTED, needs)).toBe(expected);
  });
});
