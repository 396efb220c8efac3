import { EXTERNAL_LOGIN_DEFAULTS } from '../options/external-login.options.js';
import { accountFromClaims, claimAt, rolesFromClaims } from './identity-claims.mapper.js';

const mapping = EXTERNAL_LOGIN_DEFAULTS.claims;

describe(accountFromClaims.name, () => {
  it('maps a Keycloak-shaped ID token by the configured names', () => {
    const sut = accountFromClaims(
      {
        sub: 'kc-1',
        preferred_username: 'pat',
        attributes: { ehr_id: 'ehr-1' },
        patient_id: 'p-1',
        fhir_user: 'Patient/p-1',
        realm_access: { roles: ['patient', 'offline_access'] },
        resource_access: { 'smart.platform': { roles: ['reader'] }, other: { roles: ['x'] } },
      },
      {
        ...mapping,
        fhirUser: 'fhir_user',
        ehrId: 'attributes.ehr_id',
        patient: 'patient_id',
        roles: { claim: 'roles', realm: true, clients: ['smart.platform'] },
      },
    );
    expect(sut).toEqual({
      account: {
        sub: 'kc-1',
        name: 'pat',
        fhirUser: 'Patient/p-1',
        ehrId: 'ehr-1',
        patient: 'p-1',
        roles: ['offline_access', 'patient', 'reader'],
      },
      problems: [],
    });
  });

  it('prefers the first name claim that is set', () => {
    const claims = { sub: 's', name: 'Pat Doe', preferred_username: 'pat' };
    expect(accountFromClaims(claims, mapping).account.name).toBe('Pat Doe');
  });

  it('leaves out claims of the wrong type and reports them by name', () => {
    const sut = accountFromClaims(
      {
        sub: 's',
        ehrId: 42,
        fhirUser: '',
        patient: ['p'],
        roles: 'patient',
        realm_access: { roles: ['practitioner', 7] },
      },
      mapping,
    );
    expect(sut.account).toEqual({ sub: 's', roles: [] });
    expect(sut.problems).toEqual([
      'roles: claim roles is not a list of role names',
      'roles: claim realm_access.roles is not a list of role names',
      'fhirUser: claim fhirUser is not a non-empty string',
      'ehrId: claim ehrId is not a non-empty string',
      'patient: claim patient is not a non-empty string',
    ]);
  });

  it('ignores realm roles when switched off, and client roles of other clients', () => {
    const claims = {
      realm_access: { roles: ['practitioner'] },
      resource_access: { other: { roles: ['practitioner'] } },
    };
    expect(rolesFromClaims(claims, { claim: 'roles', realm: false, clients: ['smart'] })).toEqual(
      [],
    );
  });
});

describe(claimAt.name, () => {
  it.each([
    [{ 'a.b': 1 }, 'a.b', 1],
    [{ a: { b: 2 } }, 'a.b', 2],
    [{ a: [1] }, 'a.0', undefined],
    [{ a: 'x' }, 'a.b', undefined],
  ])('%j at %s is %j', (claims, path, value) => expect(claimAt(claims, path)).toBe(value));
});
