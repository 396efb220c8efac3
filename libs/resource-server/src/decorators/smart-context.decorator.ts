import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { SmartTokenContext } from '../token/smart-token-context.types.js';
import { smartContextOf } from '../token/smart-context.store.js';

/**
 * Parameter decorator: the request's {@link SmartTokenContext} (or one of its fields). Use it on
 * routes guarded by `@OpenEhrApi()`, `@RequireOpenEhr()` or `SmartJwtAuthGuard`.
 *
 * @example
 * read(@SmartContext() token: SmartTokenContext, @SmartContext('ehrId') ehrId?: string) {}
 */
export const SmartContext: (field?: keyof SmartTokenContext) => ParameterDecorator =
  createParamDecorator((field: keyof SmartTokenContext | undefined, ctx: ExecutionContext) => {
    const context = smartContextOf(ctx.switchToHttp().getRequest<object>());
    if (context === undefined) {
      throw Object.assign(new Error('@SmartContext() used on a route without SmartJwtAuthGuard'), {
        code: 'ERR_SMART_CONTEXT_MISSING',
      });
    }
    return field === undefined ? context : context[field];
  });
