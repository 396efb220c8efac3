import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { SmartTokenContext } from '../token/smart-token-context.types.js';

const contexts = new WeakMap<object, SmartTokenContext>();

/** Stores the verified context on the request (and as `request.user`, as passport does). */
export function attachSmartContext(request: object, context: SmartTokenContext): void {
  contexts.set(request, context);
  (request as { user?: unknown }).user = context;
}

/** The verified context of a request, or `undefined` when `SmartJwtAuthGuard` has not run. */
export function smartContextOf(request: object): SmartTokenContext | undefined {
  return contexts.get(request);
}

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
