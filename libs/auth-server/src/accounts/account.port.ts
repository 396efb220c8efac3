/** Claims about an end user that tokens and userinfo may carry. */
export interface SmartAccountClaims {
  sub: string;
  /** FHIR resource URL of the user (`Practitioner/123`, `Patient/456`, or absolute). */
  fhirUser?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  /** Roles the grant policy may use (`practitioner`, `patient`, `admin`...). */
  roles?: readonly string[];
  /** For patient users: their own EHR and FHIR patient id. */
  ehrId?: string;
  patient?: string;
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
