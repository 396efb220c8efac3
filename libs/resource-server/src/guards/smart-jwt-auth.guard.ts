import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { attachSmartContext } from '../token/smart-context.store.js';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import { TokenRevocationChecker } from '../smart-resource-server.ports.js';
import { RevocationFeedService } from '../token/revocation-feed.service.js';
import { SmartJwtStrategy } from '../token/smart-jwt.strategy.js';

/**
 * Authenticates the bearer token with {@link SmartJwtStrategy}, refuses it when it was revoked
 * (the host's {@link TokenRevocationChecker}, and the `revocationFeed` when configured), and
 * attaches the `SmartTokenContext`. Throws `BearerTokenError` (rendered by
 * `BearerTokenErrorFilter`), or `TokenVerificationUnavailableError` (503) when revocation cannot
 * be checked.
 */
@Injectable()
export class SmartJwtAuthGuard implements CanActivate {
  // Property injection keeps the internal services (and passport-jwt's types) out of the public
  // .d.ts of the guard.
  @Inject(SmartJwtStrategy) private readonly strategy!: SmartJwtStrategy;
  @Inject(RevocationFeedService) private readonly feed!: RevocationFeedService;
  @Optional()
  @Inject(TokenRevocationChecker)
  private readonly checker?: TokenRevocationChecker;
  private checkers: readonly TokenRevocationChecker[] | undefined;

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const token = await this.strategy.verify(request);
    this.checkers ??= [
      ...(this.checker ? [this.checker] : []),
      ...(this.feed.enabled ? [this.feed] : []),
    ];
    for (const checker of this.checkers) {
      if (await checker.isRevoked(token)) {
        throw BearerTokenError.invalidToken('the access token has been revoked');
      }
    }
    attachSmartContext(request, token);
    return true;
  }
}
