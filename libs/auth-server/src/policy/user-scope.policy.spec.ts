import { narrowUserRequest } from './user-scope.policy.js';

const REGISTERED = 'openid patient/composition-*.rs user/composition-MyHospital::*.cruds admin';
const narrow = (requested: string) =>
  narrowUserRequest(requested, REGISTERED, ['admin']).map((s) => s.raw);

describe(narrowUserRequest.name, () => {
  it.each([
    ['within the registration: as asked', 'patient/composition-*.rs', ['patient/composition-*.rs']],
    [
      'a narrower pattern: as asked',
      'patient/composition-Vitals.v1.r',
      ['patient/composition-Vitals.v1.r'],
    ],
    ['a wider permission: narrowed', 'patient/composition-*.cruds', ['patient/composition-*.rs']],
    ['a wider pattern: narrowed', 'user/composition-*.r', ['user/composition-MyHospital::*.r']],
    [
      'identity and launch: the user’s to give',
      'profile launch/patient',
      ['profile', 'launch/patient'],
    ],
    ['outside the registration: dropped', 'user/aql-*.s openid', ['openid']],
    ['system/: backend services only', 'system/composition-*.rs', []],
    ['unparsable: dropped', 'patient/composition-x.zz', []],
    ['other tokens, even registered: dropped', 'admin', []],
    [
      'duplicates: once',
      'openid openid patient/composition-*.rs patient/composition-*.rs',
      ['openid', 'patient/composition-*.rs'],
    ],
  ])('%s', (_name, requested, expected) => expect(narrow(requested)).toEqual(expected));

  it('is idempotent', () => {
    const once = narrow('openid patient/composition-*.cruds user/composition-*.r user/aql-*.s');
    expect(narrow(once.join(' '))).toEqual(once);
  });
});
