import type { SmartTokenContext } from './smart-token-context.types.js';

// The verified token context per request, set by the JWT guard and read by the scope guard and
// the @SmartContext() decorator.
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
