import fc from 'fast-check';
import { denseScopeArb, requestedScopeArb } from '../test/scope.arbitraries.js';
import { isScopeWithin } from './scope.algebra.js';
import { intersectScopes } from './scope.intersector.js';
import { parseScope } from './scope.parser.js';
import type { ValidScope } from './scope.types.js';

function parsed(raw: string): ValidScope {
  const scope = parseScope(raw);
  if (scope.kind === 'invalid') throw new Error(`${raw}: ${scope.reason}`);
  return scope;
}

function run(requested: string, allowed: string) {
  const result = intersectScopes(
    requested.split(' ').map((raw) => parseScope(raw)),
    allowed.split(' ').map(parsed),
  );
  return {
    granted: result.granted.map((s) => s.raw).join(' '),
    dropped: result.dropped.map((d) => d.scope.raw).join(' '),
  };
}

describe(intersectScopes.name, () => {
  it.each([
    // within an allowed scope: granted as requested
    [
      'patient/composition-MyHospital::*.r',
      'patient/composition-*.cruds',
      'patient/composition-MyHospital::*.r',
      '',
    ],
    ['patient/composition-X.read', 'patient/composition-*.cruds', 'patient/composition-X.read', ''],
    ['patient/Observation.rs', 'patient/*.rs', 'patient/Observation.rs', ''],
    [
      'patient/Observation.rs?category=lab',
      'patient/Observation.rs',
      'patient/Observation.rs?category=lab',
      '',
    ],
    // allowed id inside the requested pattern: narrowed to the allowed id and shared permissions
    [
      'patient/composition-*.cruds',
      'patient/composition-MyHospital::Vitals.v1.rs',
      'patient/composition-MyHospital::Vitals.v1.rs',
      '',
    ],
    [
      'patient/composition-*.rs',
      'patient/composition-A.cr patient/composition-B.s',
      'patient/composition-A.r patient/composition-B.s',
      '',
    ],
    ['patient/composition-*.read', 'patient/composition-A.r', 'patient/composition-A.r', ''],
    [
      'patient/*.rs',
      'patient/Observation.rs?category=lab',
      'patient/Observation.rs?category=lab',
      '',
    ],
    [
      'patient/Observation.rs',
      'patient/Observation.r?category=lab',
      'patient/Observation.r?category=lab',
      '',
    ],
    // requested id inside an allowed pattern, permissions only partly allowed
    [
      'patient/composition-MyHospital::X.cruds',
      'patient/composition-MyHospital::*.rs',
      'patient/composition-MyHospital::X.rs',
      '',
    ],
    ['patient/composition-X.*', 'patient/composition-*.r', 'patient/composition-X.r', ''],
    ['user/Observation.write', 'user/*.cu', 'user/Observation.cu', ''],
    // narrowed candidates covered by another candidate are pruned
    [
      'patient/composition-*.r',
      'patient/composition-A::*.r patient/composition-A::B.r',
      'patient/composition-A::*.r',
      '',
    ],
    // nothing in common: dropped
    ['patient/composition-X.c', 'patient/composition-*.rs', '', 'patient/composition-X.c'],
    ['patient/composition-X.r', 'user/composition-*.r', '', 'patient/composition-X.r'],
    ['patient/template-X.r', 'patient/composition-*.r', '', 'patient/template-X.r'],
    [
      'patient/composition-MyHospital::*.r',
      'patient/composition-*::Vitals.v1.r',
      '',
      'patient/composition-MyHospital::*.r',
    ],
    [
      'patient/Observation.rs?category=vital',
      'patient/Observation.rs?category=lab',
      '',
      'patient/Observation.rs?category=vital',
    ],
    ['patient/Observation.r', 'patient/composition-*.r', '', 'patient/Observation.r'],
    // non-resource scopes: equal only
    [
      'openid fhirUser launch/patient',
      'openid launch/patient',
      'openid launch/patient',
      'fhirUser',
    ],
    ['launch/patient?role=https://x/r', 'launch/patient', '', 'launch/patient?role=https://x/r'],
    ['__custom', '__custom', '__custom', ''],
    ['https://x/s', 'https://x/t', '', 'https://x/s'],
    // invalid: dropped
    ['bogus patient/composition-x.sr openid', 'openid', 'openid', 'bogus patient/composition-x.sr'],
    // deduplicated by canonical form
    [
      'patient/composition-X.rs patient/composition-X.read openid openid',
      'patient/composition-*.rs openid',
      'patient/composition-X.rs openid',
      '',
    ],
  ])('%j vs allowed %j → granted %j, dropped %j', (requested, allowed, granted, dropped) => {
    expect(run(requested, allowed)).toEqual({ granted, dropped });
  });

  it('gives drop reasons', () => {
    const result = intersectScopes(
      ['bogus', 'patient/composition-X.c', 'fhirUser'].map((raw) => parseScope(raw)),
      [parsed('openid')],
    );
    expect(result.dropped.map((d) => d.reason)).toEqual([
      'unknown scope',
      expect.stringMatching(/not covered/),
      expect.stringMatching(/not registered/),
    ]);
  });

  it('marks narrowed scopes v2 and keeps v1 only when granted unchanged', () => {
    const result = intersectScopes(
      ['patient/composition-X.read', 'patient/composition-Y.*'].map((raw) => parseScope(raw)),
      [parsed('patient/composition-*.rs')],
    );
    expect(result.granted.map((s) => [s.raw, 'version' in s ? s.version : undefined])).toEqual([
      ['patient/composition-X.read', 'v1'],
      ['patient/composition-Y.rs', 'v2'],
    ]);
  });

  it('never grants anything outside allowed or outside the request', () => {
    let grants = 0;
    fc.assert(
      fc.property(
        fc.array(requestedScopeArb, { maxLength: 8 }),
        fc.array(denseScopeArb, { maxLength: 8 }),
        (requested, allowed) => {
          const { granted, dropped } = intersectScopes(requested, allowed);
          const valid = requested.filter((r): r is ValidScope => r.kind !== 'invalid');
          for (const g of granted) {
            grants += 1;
            expect(allowed.some((a) => isScopeWithin(g, a))).toBe(true);
            expect(valid.some((r) => isScopeWithin(g, r))).toBe(true);
          }
          for (const r of requested) {
            const accounted =
              dropped.some((d) => d.scope === r) ||
              granted.some((g) => r.kind !== 'invalid' && isScopeWithin(g, r));
            expect(accounted).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
    expect(grants).toBeGreaterThan(500);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.array(requestedScopeArb, { maxLength: 8 }),
        fc.array(denseScopeArb, { maxLength: 8 }),
        (requested, allowed) => {
          const once = intersectScopes(requested, allowed).granted;
          const twice = intersectScopes(once, allowed);
          expect(twice.granted).toEqual(once);
          expect(twice.dropped).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('grants a request that equals an allowed scope unchanged', () => {
    fc.assert(
      fc.property(fc.array(denseScopeArb, { minLength: 1, maxLength: 8 }), (allowed) => {
        const { granted } = intersectScopes(allowed, allowed);
        for (const g of granted) expect(allowed).toContain(g);
        expect(granted.length).toBeGreaterThan(0);
      }),
    );
  });
});
