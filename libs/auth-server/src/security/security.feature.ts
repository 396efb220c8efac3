import type { Provider, Type } from '@nestjs/common';
import { GrantAccessTokensService } from './grant-access-tokens.service.js';
import { HostCheckService } from './host-check.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { RateLimiterService } from './rate-limiter.service.js';
import { RequestGuardService } from './request-guard.service.js';
import { SecurityEventsService } from './security-events.service.js';

/**
 * Providers of the hardening features (rate limiting, login throttling, security headers,
 * security events), wired into `SmartAuthServerModule`; `exports` are what a host may inject.
 */
export const SECURITY_FEATURE: { providers: Provider[]; exports: Type[] } = {
  providers: [
    RateLimiterService,
    SecurityEventsService,
    RequestGuardService,
    HostCheckService,
    LoginThrottleService,
    GrantAccessTokensService,
  ],
  exports: [
    RateLimiterService,
    SecurityEventsService,
    LoginThrottleService,
    GrantAccessTokensService,
  ],
};
