import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineKeys } from '../provider/ports/engine-keys.port.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { LoginBinding } from './login.binding.js';

/** External logins started by the account page carry this prefix instead of an interaction uid. */
const EXTERNAL_LOGIN_PREFIX = 'account-page:';

/** Whether an external login's callback belongs to the account page (not to an interaction). */
export const isAccountPageLogin = (uid: string): boolean => uid.startsWith(EXTERNAL_LOGIN_PREFIX);

/** The account page's login binding (`LoginBinding`): cookie `smart_account_login` on the page. */
@Injectable()
export class AccountLoginBinding extends LoginBinding {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) options: ResolvedSmartAuthServerOptions,
    keys: EngineKeys,
  ) {
    super(
      {
        cookie: 'smart_account_login',
        path: options.routes.account,
        prefix: EXTERNAL_LOGIN_PREFIX,
        purpose: 'account-login',
        secure: options.issuer.startsWith('https:'),
      },
      () => keys.cookieSecret(),
    );
  }
}
