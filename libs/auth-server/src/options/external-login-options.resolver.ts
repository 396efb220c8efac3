import { SmartAuthConfigError } from './auth-config.error.js';
import {
  EXTERNAL_LOGIN_DEFAULTS as D,
  type ResolvedExternalClaims,
  type ResolvedExternalLoginOptions,
  type SmartExternalAdminOptions,
  type SmartExternalClaimsOptions,
  type SmartExternalLoginOptions,
} from './external-login.options.js';
import {
  absoluteUrl,
  bool,
  nonEmptyString,
  object,
  stringList,
} from './option-value.validators.js';

/** A claim name, or a dotted path into nested claims: no empty segment, no white space. */
const CLAIM_PATH = /^[^.\s]+(\.[^.\s]+)*$/;

function claimPath(option: string, value: unknown): string {
  if (typeof value !== 'string' || !CLAIM_PATH.test(value)) {
    throw new SmartAuthConfigError(option, 'must be a claim name or a dotted path (a.b)');
  }
  return value;
}

function resolveClaims(input: SmartExternalClaimsOptions | undefined): ResolvedExternalClaims {
  const claims = object('externalLogin.claims', input);
  const roles = object('externalLogin.claims.roles', claims.roles);
  const names = stringList('externalLogin.claims.name', claims.name ?? D.claims.name);
  if (names.length === 0) {
    throw new SmartAuthConfigError('externalLogin.claims.name', 'must name at least one claim');
  }
  return {
    fhirUser: claimPath('externalLogin.claims.fhirUser', claims.fhirUser ?? D.claims.fhirUser),
    ehrId: claimPath('externalLogin.claims.ehrId', claims.ehrId ?? D.claims.ehrId),
    patient: claimPath('externalLogin.claims.patient', claims.patient ?? D.claims.patient),
    name: names.map((n, i) => claimPath(`externalLogin.claims.name[${i}]`, n)),
    roles: {
      claim: claimPath('externalLogin.claims.roles.claim', roles.claim ?? D.claims.roles.claim),
      realm: bool('externalLogin.claims.roles.realm', roles.realm ?? D.claims.roles.realm),
      clients: stringList(
        'externalLogin.claims.roles.clients',
        roles.clients ?? D.claims.roles.clients,
      ),
    },
  };
}

function resolveAdmin(
  input: SmartExternalAdminOptions | undefined,
): SmartExternalAdminOptions | undefined {
  if (input === undefined) return undefined;
  const admin = object('externalLogin.admin', input);
  return {
    audience: nonEmptyString('externalLogin.admin.audience', admin.audience),
    role: nonEmptyString('externalLogin.admin.role', admin.role),
  };
}

/**
 * `externalLogin` with its defaults (`EXTERNAL_LOGIN_DEFAULTS`), validated once at boot; throws
 * `SmartAuthConfigError` naming the option.
 */
export function resolveExternalLogin(
  input: SmartExternalLoginOptions | undefined,
): ResolvedExternalLoginOptions | undefined {
  if (input === undefined) return undefined;
  const idp = object('externalLogin', input);
  const issuer = absoluteUrl('externalLogin.issuer', idp.issuer);
  for (const key of ['clientId', 'clientSecret'] as const) {
    if (typeof idp[key] !== 'string' || !idp[key]) {
      throw new SmartAuthConfigError(`externalLogin.${key}`, 'is required');
    }
  }
  const admin = resolveAdmin(idp.admin);
  if (admin && admin.audience === idp.clientId) {
    throw new SmartAuthConfigError(
      'externalLogin.admin.audience',
      "must not be this server's own client id at the identity server (its ID tokens carry that audience)",
    );
  }
  return {
    issuer,
    clientId: idp.clientId!,
    clientSecret: idp.clientSecret!,
    scope: nonEmptyString('externalLogin.scope', idp.scope ?? D.scope),
    claims: resolveClaims(idp.claims),
    userinfo: bool('externalLogin.userinfo', idp.userinfo ?? D.userinfo),
    passwordLogin: bool('externalLogin.passwordLogin', idp.passwordLogin ?? D.passwordLogin),
    admin,
  };
}
