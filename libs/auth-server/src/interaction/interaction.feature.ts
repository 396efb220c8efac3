import { AccountResolver, SubjectOnlyAccountResolver } from '../accounts/account.port.js';
import type { SmartFeature } from '../common/feature.types.js';
import { ACCOUNTS } from '../smart-auth-server.constants.js';
import { AccountAppsController } from './account-apps.controller.js';
import { AccountAppsService } from './account-apps.service.js';
import { AccountLoginBinding } from './account-login.binding.js';
import { AccountLoginController } from './account-login.controller.js';
import { withExternalAccounts } from './account-resolver.composite.js';
import { BackchannelLogoutController } from './backchannel-logout.controller.js';
import { ExternalLoginService } from './external-login.service.js';
import { InteractionFlowService } from './interaction-flow.service.js';
import { InteractionLoginService } from './interaction-login.service.js';
import { InteractionStepsService } from './interaction-steps.service.js';
import { InteractionController } from './interaction.controller.js';
import { PatientPickerService } from './patient-picker.service.js';

/**
 * The browser pages: login, picker and consent of an authorization, and the account page. The
 * accounts the engine sees are the host's plus those signed in at an external identity provider.
 */
export const INTERACTION_FEATURE: SmartFeature = {
  controllers: [
    InteractionController,
    AccountAppsController,
    AccountLoginController,
    BackchannelLogoutController,
  ],
  providers: [
    ExternalLoginService,
    InteractionFlowService,
    PatientPickerService,
    InteractionStepsService,
    InteractionLoginService,
    AccountAppsService,
    AccountLoginBinding,
    {
      provide: ACCOUNTS,
      inject: [ExternalLoginService, { token: AccountResolver, optional: true }],
      useFactory: (external: ExternalLoginService, bound?: AccountResolver) =>
        withExternalAccounts(external, bound ?? new SubjectOnlyAccountResolver()),
    },
  ],
};
