import * as api from './index.js';

describe('smart-scopes public API', () => {
  it.each([
    'parseScope',
    'parseScopes',
    'formatScope',
    'formatScopes',
    'matchesId',
    'isIdPatternWithin',
    'isScopeWithin',
    'permits',
    'permitsAny',
    'intersectScopes',
    'describeScope',
    'toV2',
  ])('exports function %s', (name) => {
    expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
  });

  it('exports PERMISSION_ORDER in canonical order, frozen', () => {
    expect(api.PERMISSION_ORDER).toEqual(['c', 'r', 'u', 'd', 's']);
    expect(Object.isFrozen(api.PERMISSION_ORDER)).toBe(true);
  });

  it('works end to end: parse a request, narrow it, check access', () => {
    const { valid, invalid } = api.parseScopes(
      'openid launch/patient patient/composition-*.read patient/aql-x.sr',
    );
    const allowed = api.parseScopes('openid launch/patient patient/composition-MyHospital::*.rs');
    const { granted } = api.intersectScopes([...valid, ...invalid], allowed.valid);
    expect(api.formatScopes(granted)).toBe(
      'openid launch/patient patient/composition-MyHospital::*.rs',
    );
    const need = { compartment: 'patient', resource: 'composition', permission: 'r' } as const;
    expect(api.permits(granted, { ...need, id: 'MyHospital::Vitals.v1' })).toBe(true);
    expect(api.permits(granted, { ...need, id: 'Other::Vitals.v1' })).toBe(false);
  });
});
