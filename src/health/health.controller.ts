import { Controller, Get, HttpCode, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { SmartAuthHealth } from '@smart-openehr/auth-server';

/** What a failed readiness probe suggests to retry after (a database restart, a key refresh). */
const RETRY_AFTER_SECONDS = 5;

/**
 * Liveness (the process serves) and readiness (the auth server can issue and check tokens), with
 * `@nestjs/terminus`: its result format (`status`, `info`, `error`, `details`) is the one
 * Nest-aware tooling reads, and a failed check becomes 503 naming the check. What is checked comes
 * from the package's `SmartAuthHealth` (storage with a 2 s bound, signing keys, revocation list).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly authServer: SmartAuthHealth,
  ) {}

  /** No dependency is checked: restarting the process would not bring a database back. */
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.authServerChecks()]);
    } catch (err) {
      // Terminus answers 503 by throwing; the header is ours (RFC 9110 allows it on 503).
      if (err instanceof ServiceUnavailableException) {
        res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      }
      throw err;
    }
  }

  /** One report (one storage query), one terminus indicator per check in it. */
  private async authServerChecks(): Promise<HealthIndicatorResult> {
    const report = await this.authServer.check();
    const results = Object.entries(report.checks).map(([name, check]) => {
      const indicator = this.indicators.check(name);
      const data = { detail: check.detail };
      return check.status === 'up' ? indicator.up(data) : indicator.down(data);
    });
    return Object.assign({}, ...results) as HealthIndicatorResult;
  }
}
