import { type DynamicModule, Module } from '@nestjs/common';
import { AccountResolver, CredentialsVerifier, PatientDirectory } from '@smart-openehr/auth-server';
import { UsersFileAccounts } from './users-file.accounts.js';

/** Binds the auth server's account ports to the users file. */
@Module({})
export class AccountsModule {
  static register(usersFile: string): DynamicModule {
    const accounts = UsersFileAccounts.fromFile(usersFile);
    return {
      module: AccountsModule,
      providers: [
        { provide: AccountResolver, useValue: accounts },
        { provide: CredentialsVerifier, useValue: accounts },
        { provide: PatientDirectory, useValue: accounts },
      ],
      exports: [AccountResolver, CredentialsVerifier, PatientDirectory],
    };
  }
}
