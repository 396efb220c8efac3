import { decodeJwt } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { GrantAccessTokensService } from '../../revocation/grant-access-tokens.service.js';
import { tokenBodyOf, type HookedEndpointOf } from './client-identity.reader.js';
import type { Next } from './engine-hook.types.js';

/**
 * Links a user grant's new JWT access token to the grant, so revoking the grant revokes the
 * token (JWT access tokens are not stored). Best effort: the token is issued anyway.
 */
export function grantTokensHook(
  grantTokens: Pick<GrantAccessTokensService, 'remember'>,
  endpointOf: HookedEndpointOf,
) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const endpoint = endpointOf(ctx);
    await next();
    if (endpoint !== 'token') return;
    const body = tokenBodyOf(ctx);
    const grant = ctx.oidc?.entities?.Grant as { jti?: string } | undefined;
    if (ctx.status !== 200 || !body.access_token || !grant?.jti) return;
    try {
      const { jti, exp } = decodeJwt(body.access_token);
      if (typeof jti === 'string' && typeof exp === 'number') {
        await grantTokens.remember(jti, grant.jti, exp);
      }
    } catch {
      // Not a JWT, or the database is unavailable: nothing to link.
    }
  };
}
