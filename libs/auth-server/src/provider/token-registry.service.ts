import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { AccessTokenVerifier, type AccessTokenClaims } from './access-token.verifier.js';
import { ProviderHost } from './provider-host.service.js';
import { GrantAccessTokensService } from '../revocation/grant-access-tokens.service.js';
import { SmartContextStore } from '../launch/smart-context.store.js';
import { RevocationListService } from '../revocation/revocation-list.service.js';
import { accessTokenRevocation } from '../revocation/revocation.types.js';
import { INTROSPECTED_CONTEXT_CLAIMS } from '../vocabulary/launch-context.types.js';

/** What introspection says about a token (RFC 7662). */
export type IntrospectionResult = { active: false } | ({ active: true } & Record<string, unknown>);

interface StoredRefreshToken {
  clientId: string;
  accountId?: string;
  scope?: string;
  exp?: number;
  iat?: number;
  grantId?: string;
  isValid: boolean;
  destroy(): Promise<void>;
}

/**
 * Finds, describes and revokes the tokens this server issued: JWT access tokens (verified
 * locally; revocations go to the revocation list until they expire) and opaque refresh tokens
 * (stored).
 * @see https://datatracker.ietf.org/doc/html/rfc7662
 * @see https://datatracker.ietf.org/doc/html/rfc7009
 */
@Injectable()
export class TokenRegistryService {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly host: ProviderHost,
    private readonly verifier: AccessTokenVerifier,
    private readonly grantTokens: GrantAccessTokensService,
    private readonly contexts: SmartContextStore,
    private readonly revocations: RevocationListService,
  ) {}

  /** `{ active: false }` for anything unknown, expired or revoked; owner = the client it was issued to. */
  async describe(token: string): Promise<{ result: IntrospectionResult; owner?: string }> {
    if (token.split('.').length === 3) {
      const claims = await this.verifier.verify(token);
      // The database, not the copy in memory: introspection fails closed when it is unreachable.
      if (!claims?.jti || (await this.revocations.isRevokedInStore(claims)))
        return { result: { active: false } };
      return { result: this.describeAccessToken(claims), owner: claims.client_id };
    }
    const refresh = await this.findRefreshToken(token);
    if (!refresh) return { result: { active: false } };
    // The launch context is kept per grant (the refresh token itself does not carry it).
    const context = await this.contexts.find(refresh.grantId);
    return {
      owner: refresh.clientId,
      result: {
        active: true,
        token_type: 'refresh_token',
        scope: refresh.scope,
        client_id: refresh.clientId,
        sub: refresh.accountId,
        exp: refresh.exp,
        iat: refresh.iat,
        iss: this.options.issuer,
        ...pickContext({ ...context }),
      },
    };
  }

  /** Revokes a token issued to `clientId`; unknown tokens and other clients' tokens are ignored (RFC 7009 §2.2). */
  async revoke(token: string, clientId: string): Promise<void> {
    if (token.split('.').length === 3) {
      const claims = await this.verifier.verify(token);
      if (claims?.jti && claims.client_id === clientId && claims.exp) {
        await this.revocations.revoke(
          [accessTokenRevocation(claims.jti, claims.exp)],
          'token_revocation',
        );
      }
      return;
    }
    const refresh = await this.findRefreshToken(token);
    if (refresh?.clientId !== clientId) return;
    await refresh.destroy();
    if (refresh.grantId) {
      // RFC 7009 §2.1: revoking a refresh token also ends the grant's access tokens.
      await this.host.provider.Grant.adapter.revokeByGrantId(refresh.grantId);
      await this.grantTokens.revokeGrant(refresh.grantId);
    }
  }

  private async findRefreshToken(token: string): Promise<StoredRefreshToken | undefined> {
    if (token.length > 512) return undefined;
    const found = (await this.host.provider.RefreshToken.find(token)) as
      StoredRefreshToken | undefined;
    return found?.isValid ? found : undefined;
  }

  private describeAccessToken(claims: AccessTokenClaims): IntrospectionResult {
    // A sender-constrained token is a DPoP token and says which key (RFC 9449 §6.2).
    const cnf = claims.cnf as { jkt?: unknown } | undefined;
    return {
      active: true,
      token_type: typeof cnf?.jkt === 'string' ? 'DPoP' : 'Bearer',
      ...(cnf ? { cnf } : {}),
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      aud: claims.aud,
      ...pickContext(claims),
    };
  }
}

function pickContext(source: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    INTROSPECTED_CONTEXT_CLAIMS.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]),
  );
}
