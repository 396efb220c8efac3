import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { attachSmartContext } from '../decorators/smart-context.decorator.js';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import { TokenRevocationChecker } from '../ports.js';
import { RevocationFeedService } from '../token/revocation-feed.service.js';
import { SmartJwtStrategy } from '../token/smart-jwt.strategy.js';
import type { SmartTokenContext } from '../token/smart-token-context.types.js';

/**
 * Authenticates the bearer token with {@link SmartJwtStrategy}, refuses it when it was revoked
 * (the host's {@link TokenRevocationChecker}, and the `revocationFeed` when configured), and
 * attaches the `SmartTokenContext`. Throws `BearerTokenError` (rendered by
 * `BearerTokenErrorFilter`), or `TokenVerificationUnavailableError` (503) when revocation cannot
 * be checked.
 */
@Injectable()
export class SmartJwtAuthGuard implements CanActivate {
  private readonly checkers: readonly TokenRevocationChecker[];

  constructor(
    private readonly strategy: SmartJwtStrategy,
    feed: RevocationFeedService,
    @Optional()
    @Inject(TokenRevocationChecker)
    checker?: TokenRevocationChecker,
  ) {
    this.checkers = [...(checker ? [checker] : []), ...(feed.enabled ? [feed] : [])];
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const token = await this.strategy.verify(request);
    for (const checker of this.checkers) {
      if (await revoked(checker, token)) {
        throw BearerTokenError.invalidToken('the access token has been revoked');
      }
    }
    attachSmartContext(request, token);
    return true;
  }
}

function revoked(
  checker: TokenRevocationChecker,
  token: SmartTokenContext,
): boolean | Promise<boolean> {
  return checker.isRevoked(token);
}
