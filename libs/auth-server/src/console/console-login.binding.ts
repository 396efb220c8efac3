import { Inject, Injectable } from '@nestjs/common';
import { CONSOLE_LOGIN_PREFIX } from '../interaction/external-login.service.js';
import { LoginBinding } from '../interaction/login.binding.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineKeys } from '../provider/ports/engine-keys.port.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';

/** The console sign-in's login binding (`LoginBinding`): cookie `smart_console_login` on the console. */
@Injectable()
export class ConsoleLoginBinding extends LoginBinding {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) options: ResolvedSmartAuthServerOptions,
    keys: EngineKeys,
  ) {
    super(
      {
        cookie: 'smart_console_login',
        path: options.routes.console,
        prefix: CONSOLE_LOGIN_PREFIX,
        purpose: 'console-login',
        secure: options.issuer.startsWith('https:'),
      },
      () => keys.cookieSecret(),
    );
  }
}
