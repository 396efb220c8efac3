import type { SmartFeature } from '../common/feature.types.js';
import { AuthHealthService } from './auth-health.service.js';
import { SmartAuthHealth } from './auth-health.port.js';

/** The readiness report a host builds its health endpoint from (public port). */
export const HEALTH_FEATURE: SmartFeature = {
  providers: [{ provide: SmartAuthHealth, useClass: AuthHealthService }],
};
