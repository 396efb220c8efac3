import { SmartAuthConfigError } from './auth-config.error.js';
import { resolveExternalLogin } from './external-login-options.resolver.js';
import { EXTERNAL_LOGIN_DEFAULTS } from './external-login.options.js';

const idp = { issuer: 'https://kc.example.org/realms/ehr', clientId: 'smart', clientSecret: 's' };

describe(resolveExternalLogin.name, () => {
  it('is undefined when not configured', () => {
    expect(resolveExternalLogin(undefined)).toBeUndefined();
  });

  it('applies every default', () => {
    expect(resolveExternalLogin(idp)).toEqual({
      ...idp,
      ...EXTERNAL_LOGIN_DEFAULTS,
      admin: undefined,
    });
  });

  it('keeps given claim names and merges the roles group', () => {
    const sut = resolveExternalLogin({
      ...idp,
      userinfo: true,
      claims: {
        ehrId: 'attributes.ehr_id',
        name: ['preferred_username'],
        roles: { clients: ['smart'] },
      },
    })!;
    expect(sut.userinfo).toBe(true);
    expect(sut.claims).toEqual({
      ...EXTERNAL_LOGIN_DEFAULTS.claims,
      ehrId: 'attributes.ehr_id',
      name: ['preferred_username'],
      roles: { claim: 'roles', realm: true, clients: ['smart'] },
    });
  });

  it.each([
    [{ issuer: 'kc' }, 'externalLogin.issuer'],
    [{ clientId: '' }, 'externalLogin.clientId'],
    [{ clientSecret: undefined }, 'externalLogin.clientSecret'],
    [{ scope: ' ' }, 'externalLogin.scope'],
    [{ userinfo: 'yes' }, 'externalLogin.userinfo'],
    [{ passwordLogin: 1 }, 'externalLogin.passwordLogin'],
    [{ admin: 'smart-admin' }, 'externalLogin.admin'],
    [{ admin: { audience: '', role: 'r' } }, 'externalLogin.admin.audience'],
    [{ admin: { audience: 'a' } }, 'externalLogin.admin.role'],
    [{ admin: { audience: 'smart', role: 'r' } }, 'externalLogin.admin.audience'],
    [{ claims: [] }, 'externalLogin.claims'],
    [{ claims: { ehrId: '' } }, 'externalLogin.claims.ehrId'],
    [{ claims: { fhirUser: 'a..b' } }, 'externalLogin.claims.fhirUser'],
    [{ claims: { patient: 7 } }, 'externalLogin.claims.patient'],
    [{ claims: { name: [] } }, 'externalLogin.claims.name'],
    [{ claims: { name: 'name' } }, 'externalLogin.claims.name'],
    [{ claims: { name: ['a b'] } }, 'externalLogin.claims.name[0]'],
    [{ claims: { roles: { realm: 'true' } } }, 'externalLogin.claims.roles.realm'],
    [{ claims: { roles: { clients: 'smart' } } }, 'externalLogin.claims.roles.clients'],
    [{ claims: { roles: { claim: '.roles' } } }, 'externalLogin.claims.roles.claim'],
  ])('refuses %j naming %s', (input, option) => {
    const run = () => resolveExternalLogin({ ...idp, ...input } as never);
    expect(run).toThrow(SmartAuthConfigError);
    expect(run).toThrow(option);
  });
});
