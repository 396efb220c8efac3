import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { attachSmartContext } from '../decorators/smart-context.decorator.js';
import { SmartJwtStrategy } from '../token/smart-jwt.strategy.js';

/**
 * Authenticates the bearer token with {@link SmartJwtStrategy} and attaches the
 * `SmartTokenContext`. Throws `BearerTokenError` (rendered by `BearerTokenErrorFilter`).
 */
@Injectable()
export class SmartJwtAuthGuard implements CanActivate {
  // Property injection keeps the strategy (and passport-jwt's types) out of the public .d.ts.
  @Inject(SmartJwtStrategy) private readonly strategy!: SmartJwtStrategy;

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    attachSmartContext(request, await this.strategy.verify(request));
    return true;
  }
}
