import type { KoaContextWithOIDC } from 'oidc-provider';
import { clientTypeOf } from '../../clients/client.types.js';
import type { MeasuredEndpoint } from '../../metrics/metric-label.types.js';
import type { SmartClientType } from '../../options/auth-server.options.js';
import { grantTypeOf } from './client-identity.reader.js';

/** The engine's route names (`ctx.oidc.route`) observed under their own name; others: `other`. */
const ENDPOINT_OF_ROUTE: Record<string, MeasuredEndpoint> = {
  authorization: 'authorize',
  token: 'token',
  pushed_authorization_request: 'par',
  discovery: 'discovery',
  jwks: 'jwks',
  userinfo: 'userinfo',
};

/** How the engine answered a request, as metrics and traces report it. */
export interface EngineOutcome {
  endpoint: MeasuredEndpoint;
  status: number;
  /** The OAuth `error` of a JSON error answer (errors redirected to the client are not seen). */
  error?: string;
  /** Set when the token endpoint issued an access token. */
  issued?: {
    grantType: string | undefined;
    clientType: SmartClientType | undefined;
    clientId: string | undefined;
  };
}

/** Reads the outcome of an engine request once the engine has answered it. */
export function engineOutcomeOf(ctx: KoaContextWithOIDC): EngineOutcome {
  const route = ctx.oidc?.route;
  const outcome: EngineOutcome = {
    endpoint: (route && ENDPOINT_OF_ROUTE[route]) || 'other',
    status: ctx.status,
  };
  const body: unknown = ctx.body;
  if (body === null || typeof body !== 'object') return outcome;
  const { error, access_token } = body as { error?: unknown; access_token?: unknown };
  if (typeof error === 'string' && ctx.status >= 400) outcome.error = error;
  else if (outcome.endpoint === 'token' && ctx.status === 200 && access_token) {
    const client = ctx.oidc?.client;
    const method = client?.tokenEndpointAuthMethod;
    outcome.issued = {
      grantType: grantTypeOf(ctx),
      clientType: method ? clientTypeOf(method) : undefined,
      clientId: client?.clientId,
    };
  }
  return outcome;
}
