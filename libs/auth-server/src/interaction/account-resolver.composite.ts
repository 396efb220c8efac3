import type { ExternalLoginService } from './external-login.service.js';
import { AccountResolver, type SmartAccountClaims } from '../accounts/account.port.js';

/** Accounts that logged in through the external provider first, then the host's own. */
export function withExternalAccounts(
  external: ExternalLoginService,
  host: AccountResolver,
): AccountResolver {
  return new (class extends AccountResolver {
    async findAccount(subject: string): Promise<SmartAccountClaims | undefined> {
      return (await external.findAccount(subject)) ?? host.findAccount(subject);
    }
  })();
}
