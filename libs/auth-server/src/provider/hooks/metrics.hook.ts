import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SmartAuthMetrics } from '../../metrics/auth-metrics.service.js';
import { engineOutcomeOf } from './engine-outcome.reader.js';
import type { Next } from './engine-hook.types.js';

/**
 * Metrics of the engine's requests: duration per endpoint, OAuth errors it answered, and tokens
 * issued. Installed outermost, so the time includes our other hooks; installed only when metrics
 * are enabled.
 */
export function metricsHook(metrics: SmartAuthMetrics) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const started = metrics.startTimer();
    try {
      await next();
    } finally {
      const { endpoint, status, error, issued } = engineOutcomeOf(ctx);
      metrics.requestDone(endpoint, status, started);
      if (error) metrics.oauthError(endpoint, error);
      else if (issued) metrics.tokenIssued(issued.grantType, issued.clientType, issued.clientId);
    }
  };
}
