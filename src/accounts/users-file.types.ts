import type { PatientRecord, SmartAccountClaims } from '@smart-openehr/auth-server';

/** One user of the built-in login (`SMART_USERS_FILE`); `password` is an scrypt hash. */
export interface UsersFileUser extends SmartAccountClaims {
  username: string;
  password: string;
}

/** The users file: users who can log in, and patients (with EHRs) the picker offers. */
export interface UsersFile {
  users: UsersFileUser[];
  patients: PatientRecord[];
}

/** Reads and checks the users file; a problem names the entry. */
export function parseUsersFile(json: string, source: string): UsersFile {
  const data = JSON.parse(json) as Partial<UsersFile>;
  const users = Array.isArray(data.users) ? data.users : [];
  const patients = Array.isArray(data.patients) ? data.patients : [];
  users.forEach((u, i) => {
    if (!u.username || !u.sub || !u.password?.startsWith('scrypt$')) {
      throw new Error(`${source}: users[${i}] needs username, sub and an scrypt password hash`);
    }
  });
  patients.forEach((p, i) => {
    if (!p.ehrId || !p.name) throw new Error(`${source}: patients[${i}] needs ehrId and name`);
  });
  return { users, patients };
}
