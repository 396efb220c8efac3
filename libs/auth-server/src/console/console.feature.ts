import type { SmartFeature } from '../common/feature.types.js';
import { ConsoleAppsController } from './console-apps.controller.js';
import { ConsoleAuditController } from './console-audit.controller.js';
import { ConsoleIssuersController } from './console-issuers.controller.js';
import { ConsoleKeysController } from './console-keys.controller.js';
import { ConsoleLaunchesController } from './console-launches.controller.js';
import { ConsoleLoginBinding } from './console-login.binding.js';
import { ConsoleLoginController } from './console-login.controller.js';
import { ConsoleSessionService } from './console-session.service.js';
import { ConsoleGate } from './console.gate.js';

/**
 * The admin console (`console.enabled`): server-rendered pages over `SmartAuthAdmin`, with a
 * session of its own. Always registered; every path answers 404 while the console is off.
 */
export const CONSOLE_FEATURE: SmartFeature = {
  controllers: [
    ConsoleLoginController,
    ConsoleAppsController,
    ConsoleLaunchesController,
    ConsoleIssuersController,
    ConsoleKeysController,
    ConsoleAuditController,
  ],
  providers: [ConsoleSessionService, ConsoleLoginBinding, ConsoleGate],
};
