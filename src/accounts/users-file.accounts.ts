import { readFileSync } from 'node:fs';
import {
  AccountResolver,
  type CredentialsVerifier,
  type PatientDirectory,
  type PatientRecord,
  type SmartAccountClaims,
} from '@smart-openehr/auth-server';
import { DUMMY_HASH_PROMISE, verifyPassword } from './password-hash.js';
import { parseUsersFile, type UsersFile, type UsersFileUser } from './users-file.types.js';

/**
 * The embedded default's accounts: users and patients from `SMART_USERS_FILE`. Implements the
 * auth server's ports: accounts, the built-in login's credential check, and the patient picker.
 */
export class UsersFileAccounts
  extends AccountResolver
  implements CredentialsVerifier, PatientDirectory
{
  private readonly byUsername: Map<string, UsersFileUser>;
  private readonly bySub: Map<string, UsersFileUser>;
  private readonly patients: PatientRecord[];

  constructor(file: UsersFile) {
    super();
    this.byUsername = new Map(file.users.map((u) => [u.username, u]));
    this.bySub = new Map(file.users.map((u) => [u.sub, u]));
    this.patients = file.patients;
  }

  static fromFile(path: string): UsersFileAccounts {
    return new UsersFileAccounts(parseUsersFile(readFileSync(path, 'utf8'), path));
  }

  findAccount(subject: string): Promise<SmartAccountClaims | undefined> {
    const user = this.bySub.get(subject);
    if (!user) return Promise.resolve(undefined);
    const { password: _hash, username: _name, ...claims } = user;
    return Promise.resolve(claims);
  }

  /** Same work for unknown users (a dummy hash is checked), so timing does not tell who exists. */
  async verify(username: string, password: string): Promise<string | undefined> {
    const user = this.byUsername.get(username);
    const ok = await verifyPassword(password, user?.password ?? (await DUMMY_HASH_PROMISE));
    return ok && user ? user.sub : undefined;
  }

  /** Patients see their own record; practitioners every patient in the file. */
  candidatesFor(account: SmartAccountClaims): Promise<PatientRecord[]> {
    const roles = new Set(account.roles ?? []);
    if (roles.has('practitioner') || roles.has('clinician')) return Promise.resolve(this.patients);
    const own = this.patients.filter((p) => p.ehrId === account.ehrId);
    return Promise.resolve(own);
  }
}
