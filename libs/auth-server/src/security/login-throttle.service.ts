import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { RateLimiterService, type RateLimitDecision } from './rate-limiter.service.js';
import { RequestGuardService, type CallerInfo } from './request-guard.service.js';
import { SecurityEventsService } from './security-events.service.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';

/** The context of one login attempt. */
export interface LoginAttempt extends CallerInfo {
  username: string;
  clientId?: string;
}

/**
 * Per-account login throttling without account enumeration: failures are counted per username
 * (hashed; existing or not), and past `loginThrottle.maxFailures` in the window every attempt for
 * that username is refused alike until the window ends. Each failure is answered after
 * `failureDelayMs`. Failures also count against the caller's IP (`rateLimit.failedAuthPerIp`).
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-10.10
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly limiter: RateLimiterService,
    private readonly guard: RequestGuardService,
    private readonly events: SecurityEventsService,
    private readonly metrics: SmartAuthMetrics,
  ) {}

  /** Refuses the attempt (answer 429) when the account or the IP is throttled. */
  blocked(attempt: LoginAttempt): RateLimitDecision | undefined {
    const byIp = this.guard.failureBlock(attempt.ip);
    const { maxFailures } = this.options.loginThrottle;
    const byAccount = this.limiter.check(this.key(attempt.username), maxFailures, { always: true });
    const blocked = byIp ?? (byAccount.allowed ? undefined : byAccount);
    if (blocked) {
      this.metrics.login('locked');
      this.metrics.rateLimited(byIp ? 'failed_auth_per_ip' : 'login_per_account');
      this.events.emit({
        type: 'login.throttled',
        outcome: 'failure',
        clientId: attempt.clientId,
        ip: attempt.ip,
        requestId: attempt.requestId,
        reason: byIp ? 'too many failed authentications from this IP' : 'too many failed logins',
        details: { username: attempt.username.slice(0, 128) },
      });
    }
    return blocked;
  }

  /** Records a failed login, then waits `failureDelayMs`. */
  async failed(attempt: LoginAttempt): Promise<void> {
    const { maxFailures, windowSeconds, failureDelayMs } = this.options.loginThrottle;
    await Promise.all([
      this.limiter.consume(this.key(attempt.username), maxFailures, {
        windowSeconds,
        always: true,
      }),
      this.guard.recordFailure(attempt, { endpoint: 'login', clientId: attempt.clientId }),
    ]);
    this.metrics.login('failure');
    this.events.emit({
      type: 'login.failure',
      outcome: 'failure',
      clientId: attempt.clientId,
      ip: attempt.ip,
      requestId: attempt.requestId,
      reason: 'invalid username or password',
      details: { username: attempt.username.slice(0, 128) },
    });
    if (failureDelayMs > 0) await sleep(failureDelayMs);
  }

  /** Records a successful login and forgets the account's failures. */
  async succeeded(attempt: LoginAttempt & { accountId: string }): Promise<void> {
    await this.limiter.reset(this.key(attempt.username));
    this.metrics.login('success');
    this.events.emit({
      type: 'login.success',
      outcome: 'success',
      clientId: attempt.clientId,
      userId: attempt.accountId,
      ip: attempt.ip,
      requestId: attempt.requestId,
    });
  }

  private key(username: string): string {
    const normalised = username.trim().normalize('NFKC').toLowerCase();
    return `login:account:${createHash('sha256').update(normalised).digest('base64url')}`;
  }
}
