import type { ValidScope } from '@smart-openehr/scopes';

/** Claims about an end user that tokens and userinfo may carry. */
export interface SmartAccountClaims {
  sub: string;
  /** FHIR resource URL of the user (`Practitioner/123`, `Patient/456`, or absolute). */
  fhirUser?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  /** Roles the grant policy uses (`practitioner`, `patient`...). */
  roles?: readonly string[];
  /** For patient users: their own EHR and FHIR patient id. */
  ehrId?: string;
  patient?: string;
}

/** A patient (and their EHR) a user may work with, as the picker lists them. */
export interface PatientRecord {
  ehrId: string;
  patient?: string;
  name: string;
  birthDate?: string;
  /** Episodes (`context-openehr-episode`), when the platform has them. */
  episodes?: { id: string; name: string }[];
}

/**
 * Port: the platform decides who end users are. The library never stores passwords.
 * Bind an implementation through the module's `imports` (an exported provider of this class).
 */
export abstract class AccountResolver {
  /** Returns the account, or `undefined` when it does not (or no longer) exist. */
  abstract findAccount(subject: string): Promise<SmartAccountClaims | undefined>;
}

/** Default when the host binds none: accounts are known only by their subject. */
export class SubjectOnlyAccountResolver extends AccountResolver {
  findAccount(subject: string): Promise<SmartAccountClaims | undefined> {
    return Promise.resolve({ sub: subject });
  }
}

/** Port: checks a username and password for the built-in login; returns the subject or undefined. */
export abstract class CredentialsVerifier {
  abstract verify(username: string, password: string): Promise<string | undefined>;
}

/** Port: which patients/EHRs a user may pick in a standalone launch (`launch/patient`). */
export abstract class PatientDirectory {
  abstract candidatesFor(account: SmartAccountClaims): Promise<PatientRecord[]>;
}

/** Default directory: a patient user has their own record; nobody else has candidates. */
export class OwnRecordPatientDirectory extends PatientDirectory {
  candidatesFor(account: SmartAccountClaims): Promise<PatientRecord[]> {
    const own = account.ehrId
      ? [{ ehrId: account.ehrId, patient: account.patient, name: account.name ?? account.sub }]
      : [];
    return Promise.resolve(own);
  }
}

/** Port: what a user may do, as scopes (granted = request ∩ registration ∩ this ∩ consent). */
export abstract class UserScopePolicy {
  abstract permitted(account: SmartAccountClaims, scopes: readonly ValidScope[]): ValidScope[];
}

/**
 * Default policy from the account's roles: `patient` users get `patient/` scopes; `practitioner`
 * (or `clinician`) users get `patient/` and `user/`; `system/` scopes never go to users; an
 * account without a known role gets no resource scope (fail closed).
 */
export class RoleBasedUserScopePolicy extends UserScopePolicy {
  permitted(account: SmartAccountClaims, scopes: readonly ValidScope[]): ValidScope[] {
    const roles = new Set(account.roles ?? []);
    const clinician = roles.has('practitioner') || roles.has('clinician');
    const allowed = new Set<string>([
      ...(roles.has('patient') || clinician ? ['patient'] : []),
      ...(clinician ? ['user'] : []),
    ]);
    return scopes.filter((s) =>
      s.kind === 'openehr' || s.kind === 'fhir' ? allowed.has(s.compartment) : true,
    );
  }
}
