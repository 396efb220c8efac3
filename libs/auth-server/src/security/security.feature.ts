import type { SmartFeature } from '../common/feature.types.js';
import { HostCheckService } from './host-check.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { RateLimiterService } from './rate-limiter.service.js';
import { RequestGuardService } from './request-guard.service.js';
import { SecurityEventsService } from './security-events.service.js';

/**
 * Providers of the hardening features (rate limiting, login throttling, security headers,
 * security events), wired into `SmartAuthServerModule`.
 */
export const SECURITY_FEATURE: SmartFeature = {
  providers: [
    RateLimiterService,
    SecurityEventsService,
    RequestGuardService,
    HostCheckService,
    LoginThrottleService,
  ],
};
