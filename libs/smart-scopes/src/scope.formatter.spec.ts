import fc from 'fast-check';
import { shapeOf, validScopeArb } from '../test/scope.arbitraries.js';
import { formatScope, formatScopes, toV2 } from './scope.formatter.js';
import { parseScope } from './scope.parser.js';
import type { ValidScope } from './scope.types.js';

function parsed(raw: string): ValidScope {
  const scope = parseScope(raw);
  if (scope.kind === 'invalid') throw new Error(`${raw}: ${scope.reason}`);
  return scope;
}

describe(formatScope.name, () => {
  it.each([
    [
      'patient/composition-MyHospital::Vitals.v1.cr',
      'patient/composition-MyHospital::Vitals.v1.cr',
    ],
    [
      'patient/composition-MyHospital::Vitals.v1.read',
      'patient/composition-MyHospital::Vitals.v1.rs',
    ],
    ['user/template-*.write', 'user/template-*.cud'],
    ['system/aql-*.*', 'system/aql-*.cruds'],
    [
      'patient/composition-IDCR%20-%20Vital%20Signs.v1.rs',
      'patient/composition-IDCR%20-%20Vital%20Signs.v1.rs',
    ],
    ['patient/composition-%41%3a%3Ab.r', 'patient/composition-A::b.r'],
    ['patient/composition-100%25.r', 'patient/composition-100%25.r'],
    ['patient/composition-caf%c3%a9.r', 'patient/composition-caf%C3%A9.r'],
    ['patient/*.*', 'patient/*.cruds'],
    ['patient/Observation.read', 'patient/Observation.rs'],
    ['user/Patient.r?identifier=http://x|1', 'user/Patient.r?identifier=http://x|1'],
    [
      'patient/Observation.rs?status=final&category=lab&status=final',
      'patient/Observation.rs?category=lab&status=final',
    ],
    ['launch', 'launch'],
    ['launch/patient', 'launch/patient'],
    ['launch/patient?role=https://example.org/r', 'launch/patient?role=https://example.org/r'],
    ['openid', 'openid'],
    ['https://example.org/x', 'https://example.org/x'],
  ])('%j → %j', (raw, expected) => {
    expect(formatScope(parsed(raw))).toBe(expected);
  });

  it('formats hand-built scopes, encoding what a token cannot hold', () => {
    expect(
      formatScope({
        kind: 'openehr',
        raw: '',
        compartment: 'user',
        resource: 'template',
        id: 'a "b" \\ 100%',
        permissions: ['r'],
        version: 'v2',
      }),
    ).toBe('user/template-a%20%22b%22%20%5C%20100%25.r');
  });

  it('round-trips: parse(format(s)) equals s apart from raw and version', () => {
    fc.assert(
      fc.property(validScopeArb, (scope) => {
        const text = formatScope(scope);
        const again = parseScope(text);
        expect(again.kind).not.toBe('invalid');
        expect(shapeOf(again as ValidScope)).toEqual(shapeOf(scope));
        expect(formatScope(again as ValidScope)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});

describe(formatScopes.name, () => {
  it.each([
    ['openid patient/composition-x.read launch', 'openid patient/composition-x.rs launch'],
    [
      'patient/composition-x.read patient/composition-x.rs openid',
      'patient/composition-x.rs openid',
    ],
    ['launch/patient openid launch/patient', 'launch/patient openid'],
    ['', ''],
  ])('%j → %j', (raws, expected) => {
    const scopes = raws
      .split(' ')
      .filter((r) => r !== '')
      .map(parsed);
    expect(formatScopes(scopes)).toBe(expected);
  });
});

describe(toV2.name, () => {
  it.each([
    ['patient/composition-x.read', 'patient/composition-x.rs'],
    ['patient/Observation.write', 'patient/Observation.cud'],
    ['user/*.*', 'user/*.cruds'],
  ])('%j → %j', (raw, expected) => {
    const v2 = toV2(parsed(raw));
    expect(v2).toMatchObject({ raw: expected, version: 'v2' });
    expect(shapeOf(v2)).toEqual(shapeOf(parsed(raw)));
  });

  it.each(['patient/composition-x.rs', 'launch/patient', 'openid', '__x'])(
    'returns %j unchanged',
    (raw) => {
      const scope = parsed(raw);
      expect(toV2(scope)).toBe(scope);
    },
  );
});
