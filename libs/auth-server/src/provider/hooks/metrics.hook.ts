import type { KoaContextWithOIDC } from 'oidc-provider';
import { clientTypeOf } from '../../clients/client.types.js';
import type { SmartAuthMetrics } from '../../metrics/auth-metrics.service.js';
import type { MeasuredEndpoint } from '../../metrics/metric-label.types.js';
import { grantTypeOf } from './client-identity.reader.js';
import type { Next } from './engine-hook.types.js';

/** The engine's route names (`ctx.oidc.route`) we time under their own label; others: `other`. */
const ENDPOINT_OF_ROUTE: Record<string, MeasuredEndpoint> = {
  authorization: 'authorize',
  token: 'token',
  pushed_authorization_request: 'par',
  discovery: 'discovery',
  jwks: 'jwks',
  userinfo: 'userinfo',
};

/**
 * Metrics of the engine's requests: duration per endpoint, OAuth errors it answered (JSON bodies;
 * errors redirected to the client are not seen here), and tokens issued. Installed outermost, so
 * the time includes our other hooks; installed only when metrics are enabled.
 */
export function metricsHook(metrics: SmartAuthMetrics) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const started = metrics.startTimer();
    try {
      await next();
    } finally {
      const route = ctx.oidc?.route;
      const endpoint = (route && ENDPOINT_OF_ROUTE[route]) || 'other';
      metrics.requestDone(endpoint, ctx.status, started);
      const body: unknown = ctx.body;
      if (body !== null && typeof body === 'object') {
        const { error, access_token } = body as { error?: unknown; access_token?: unknown };
        if (typeof error === 'string' && ctx.status >= 400) metrics.oauthError(endpoint, error);
        else if (endpoint === 'token' && ctx.status === 200 && access_token) {
          const client = ctx.oidc?.client;
          const method = client?.tokenEndpointAuthMethod;
          metrics.tokenIssued(
            grantTypeOf(ctx),
            method ? clientTypeOf(method) : undefined,
            client?.clientId,
          );
        }
      }
    }
  };
}
