import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { LaunchContextEntity } from './launch-context.entity.js';
import { OidcPayloadEntity } from './oidc-payload.entity.js';
import { RateLimitEntity } from './rate-limit.entity.js';

/** Scheduled job: deletes expired codes, tokens, sessions, replay records, launches and keys. */
@Injectable()
export class ExpiredRowsCleaner implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ExpiredRowsCleaner');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeysService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () =>
        void this.runOnce().catch((err: Error) =>
          this.logger.warn(`cleanup failed: ${err.message}`),
        ),
      this.options.cleanupIntervalSeconds * 1000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes what has expired; returns how many rows went. */
  async runOnce(now = Date.now()): Promise<number> {
    const results = await Promise.all([
      this.dataSource.getRepository(OidcPayloadEntity).delete({ expiresAt: LessThan(now) }),
      this.dataSource.getRepository(LaunchContextEntity).delete({ expiresAt: LessThan(now) }),
      this.dataSource.getRepository(RateLimitEntity).delete({ resetAt: LessThan(now) }),
    ]);
    const keys = await this.keys.deleteRetired(now);
    return results.reduce((sum, r) => sum + (r.affected ?? 0), keys);
  }
}
