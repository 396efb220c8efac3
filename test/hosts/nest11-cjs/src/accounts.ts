import { Module } from '@nestjs/common';
import {
  AccountResolver,
  CredentialsVerifier,
  PatientDirectory,
  type PatientRecord,
  type SmartAccountClaims,
} from '@smart-openehr/auth-server';

/** EHR id of the host's one patient. */
export const PATIENT_EHR_ID = '0c8f5b4e-6a5e-4f7c-9a0e-3d2b1c4a5e6f';

interface HostUser {
  password: string;
  claims: SmartAccountClaims;
}

/** The host's user directory: one clinician and one patient, in memory. */
const USERS: Record<string, HostUser> = {
  clinician: {
    password: 'clinician-password',
    claims: {
      sub: 'clinician',
      name: 'Dr. Host Clinician',
      fhirUser: 'Practitioner/clinician',
      roles: ['practitioner'],
    },
  },
  patient: {
    password: 'patient-password',
    claims: {
      sub: 'patient',
      name: 'Pat Host',
      fhirUser: 'Patient/pat-1',
      roles: ['patient'],
      ehrId: PATIENT_EHR_ID,
      patient: 'pat-1',
    },
  },
};

const PATIENTS: PatientRecord[] = [
  { ehrId: PATIENT_EHR_ID, patient: 'pat-1', name: 'Pat Host', birthDate: '1970-01-01' },
];

/** The auth server's account ports, answered by the host's user directory. */
export class HostAccounts extends AccountResolver implements CredentialsVerifier, PatientDirectory {
  findAccount(subject: string): Promise<SmartAccountClaims | undefined> {
    return Promise.resolve(USERS[subject]?.claims);
  }

  verify(username: string, password: string): Promise<string | undefined> {
    const user = Object.hasOwn(USERS, username) ? USERS[username] : undefined;
    return Promise.resolve(user && user.password === password ? user.claims.sub : undefined);
  }

  candidatesFor(account: SmartAccountClaims): Promise<PatientRecord[]> {
    if (account.roles?.includes('practitioner')) return Promise.resolve(PATIENTS);
    return Promise.resolve(PATIENTS.filter((p) => p.ehrId === account.ehrId));
  }
}

const accounts = new HostAccounts();

/** Binds the ports; imported through `SmartAuthServerModule.forRootAsync({ imports })`. */
@Module({
  providers: [
    { provide: AccountResolver, useValue: accounts },
    { provide: CredentialsVerifier, useValue: accounts },
    { provide: PatientDirectory, useValue: accounts },
  ],
  exports: [AccountResolver, CredentialsVerifier, PatientDirectory],
})
export class HostAccountsModule {}
