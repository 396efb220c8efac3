import type { SmartFeature } from '../common/feature.types.js';
import { RegistrationController } from './registration.controller.js';
import { RegistrationGuard } from './registration.guard.js';

/** RFC 7591 dynamic client registration (when enabled in the options). */
export const REGISTRATION_FEATURE: SmartFeature = {
  controllers: [RegistrationController],
  providers: [RegistrationGuard],
};
