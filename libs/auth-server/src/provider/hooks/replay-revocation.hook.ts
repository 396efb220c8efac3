import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { GrantAccessTokensService } from '../../revocation/grant-access-tokens.service.js';
import { ConsumedTwiceError } from '../consumed-twice.error.js';
import { grantTypeOf, tokenBodyOf, type HookedEndpointOf } from './client-identity.reader.js';
import {
  grantRevokedOf,
  setConsumedTwice,
  setGrantRevoked,
  setReplay,
  wasConsumedTwice,
} from './engine.state.js';
import type { Next } from './engine-hook.types.js';

/** Grant types whose credential is single use (a second use means it leaked). */
const SINGLE_USE = new Set(['authorization_code', 'refresh_token']);

export interface ReplayRevocationDependencies {
  /** Revokes a grant and every token stored for it. */
  revokeGrant(grantId: string): Promise<void>;
  /** The grant id of an authorization code (consumed or not). */
  grantOfCode(code: string): Promise<string | undefined>;
  /** Revokes the (unstored) JWT access tokens of user grants. */
  grantTokens: Pick<GrantAccessTokensService, 'revokeGrant'>;
}

/**
 * The two typed signals of a reused code or refresh token: the engine's `grant.revoked` event
 * (a sequential reuse: the engine revoked the grant itself) and {@link ConsumedTwiceError} (a
 * concurrent reuse that lost the atomic consume, which the engine answers without revoking).
 */
export function listenForReplaySignals(provider: Provider): void {
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) => {
    setGrantRevoked(ctx, grantId);
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, err: Error) => {
    if (err instanceof ConsumedTwiceError) setConsumedTwice(ctx);
  });
}

/**
 * Revokes the grant when a code or refresh token was presented twice (also when the second use
 * lost a race), with the JWT access tokens it issued; leaves the outcome for the security events.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-10.5
 * @see https://datatracker.ietf.org/doc/html/rfc9700#section-4.14.2
 */
export function replayRevocationHook(
  deps: ReplayRevocationDependencies,
  endpointOf: HookedEndpointOf,
) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const endpoint = endpointOf(ctx);
    await next();
    if (endpoint !== 'token') return;
    const body = tokenBodyOf(ctx);
    if (!body.error || body.error === 'invalid_client') return;
    if (ctx.status === 200 && body.access_token) return;
    const grantType = grantTypeOf(ctx);
    if (!grantType || !SINGLE_USE.has(grantType)) return;
    const revokedByEngine = grantRevokedOf(ctx);
    const raced = body.error === 'invalid_grant' && wasConsumedTwice(ctx);
    if (!revokedByEngine && !raced) return;
    const grantId = revokedByEngine ?? (await grantOf(ctx, grantType, deps));
    if (grantId && !revokedByEngine) await deps.revokeGrant(grantId).catch(() => undefined);
    if (grantId) await deps.grantTokens.revokeGrant(grantId).catch(() => undefined);
    setReplay(ctx, { grantRevoked: Boolean(grantId) });
  };
}

async function grantOf(
  ctx: KoaContextWithOIDC,
  grantType: string,
  deps: ReplayRevocationDependencies,
): Promise<string | undefined> {
  if (grantType === 'refresh_token') return ctx.oidc.entities.RefreshToken?.grantId;
  const code = ctx.oidc.params?.code;
  return typeof code === 'string' ? deps.grantOfCode(code).catch(() => undefined) : undefined;
}
