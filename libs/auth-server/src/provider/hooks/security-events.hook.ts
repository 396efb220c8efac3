import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SecurityEventType } from '../../security/security-event.types.js';
import type { SecurityEventsService } from '../../security/security-events.service.js';
import {
  callerOf,
  claimedClientOf,
  describeError,
  grantTypeOf,
  type HookedEndpointOf,
  tokenBodyOf,
} from './client-identity.reader.js';
import { replayOf, wasProofReplayed } from './engine.state.js';
import type { Next } from './engine-hook.types.js';

const REPLAY_OF: Record<string, SecurityEventType> = {
  authorization_code: 'code.replay',
  refresh_token: 'refresh_token.reuse',
};

interface TokenEntity {
  accountId?: string;
}

/**
 * Reports what the token and PAR endpoints answered as security events: tokens issued, failed
 * client authentication, replayed assertions, codes and refresh tokens, refused requests.
 */
export function securityEventsHook(events: SecurityEventsService, endpointOf: HookedEndpointOf) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const endpoint = endpointOf(ctx);
    await next();
    if (endpoint === 'par') return parEvent(ctx, events);
    if (endpoint === 'token') tokenEvent(ctx, events);
  };
}

function parEvent(ctx: KoaContextWithOIDC, events: SecurityEventsService): void {
  const body = tokenBodyOf(ctx);
  if (body.error !== 'invalid_client') return;
  events.emit({
    type: 'client_auth.failure',
    outcome: 'failure',
    clientId: claimedClientOf(ctx),
    ...callerOf(ctx),
    reason: describeError(body),
    details: { endpoint: 'par' },
  });
}

function tokenEvent(ctx: KoaContextWithOIDC, events: SecurityEventsService): void {
  const body = tokenBodyOf(ctx);
  const grantType = grantTypeOf(ctx);
  const entities = (ctx.oidc?.entities ?? {}) as Record<string, TokenEntity | undefined>;
  const userId =
    entities.AccessToken?.accountId ??
    entities.Account?.accountId ??
    entities.RefreshToken?.accountId ??
    entities.AuthorizationCode?.accountId;
  const base = {
    clientId: ctx.oidc?.client?.clientId ?? claimedClientOf(ctx),
    userId,
    ...callerOf(ctx),
    details: { grant_type: grantType },
  };
  if (ctx.status === 200 && body.access_token) {
    events.emit({
      type: 'token.issued',
      outcome: 'success',
      ...base,
      ehrId: typeof body.ehrId === 'string' ? body.ehrId : undefined,
      scopes: body.scope,
    });
    return;
  }
  if (!body.error) return;
  const reason = describeError(body);
  if (body.error === 'invalid_client') {
    // Our replay detection flags a `jti` seen before (see replay-detection.patch.ts).
    const type = wasProofReplayed(ctx) ? 'assertion.replay' : 'client_auth.failure';
    events.emit({ type, outcome: 'failure', ...base, reason });
    return;
  }
  const replay = replayOf(ctx);
  const replayType = grantType ? REPLAY_OF[grantType] : undefined;
  if (replay && replayType) {
    events.emit({
      type: replayType,
      outcome: 'failure',
      ...base,
      reason,
      details: { grant_type: grantType, grantRevoked: replay.grantRevoked },
    });
    return;
  }
  events.emit(
    { type: 'token.refused', outcome: 'failure', ...base, reason },
    // A 5xx means the database is likely unreachable: log it, do not try to store it.
    ctx.status >= 500 ? { audit: false } : {},
  );
}
