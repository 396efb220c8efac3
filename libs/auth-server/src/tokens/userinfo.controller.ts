import { Controller, Get, Headers, Inject, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AccountResolver } from '../accounts/account.port.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineRoutes } from '../provider/ports/engine-routes.port.js';
import { EngineTokens } from '../provider/ports/engine-tokens.port.js';
import { TokenRegistryService } from '../provider/token-registry.service.js';
import { ACCOUNTS, SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { oauthEndpointPath, oauthEndpointRoute } from '../common/smart.routes.js';
import { renderJson } from '../errors/error.renderer.js';
import { OAuthError } from '../errors/oauth.error.js';

/**
 * OpenID Connect UserInfo for this server's JWT access tokens. The engine's own endpoint only
 * knows opaque tokens without an audience, and every user-facing token here is a JWT for the
 * platform, so it is served here: a current, unrevoked token with `openid` gets `sub`, and
 * `fhirUser` / the `profile` claims when those scopes were granted.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
 */
@Controller()
export class UserinfoController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) options: ResolvedSmartAuthServerOptions,
    routes: EngineRoutes,
    private readonly engine: EngineTokens,
    private readonly tokens: TokenRegistryService,
    @Inject(ACCOUNTS) private readonly accounts: AccountResolver,
  ) {
    routes.reservePath(oauthEndpointPath(options.routes, 'userinfo'));
  }

  /** JWT access tokens (every user flow) through the registry; opaque ones through the engine. */
  private async describe(token: string): Promise<Record<string, unknown>> {
    if (token.split('.').length === 3) return (await this.tokens.describe(token)).result;
    const found = await this.engine.findAccessToken(token);
    return found?.isValid && found.accountId
      ? { active: true, token_type: 'Bearer', sub: found.accountId, scope: found.scope }
      : { active: false };
  }

  @Get(oauthEndpointRoute('userinfo'))
  get(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    return this.answer(authorization, res);
  }

  @Post(oauthEndpointRoute('userinfo'))
  post(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    return this.answer(authorization, res);
  }

  private async answer(authorization: string | undefined, res: Response): Promise<void> {
    res.set({
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Access-Control-Allow-Origin': '*',
    });
    const token = /^bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const result = token ? await this.describe(token) : { active: false };
    const refuse = (status: number, error: string, description: string) => {
      const challenge = `Bearer error="${error}", error_description="${description}"`;
      renderJson(
        res,
        new OAuthError(error, description, status, { 'WWW-Authenticate': challenge }),
      );
    };
    if (!result.active || result.token_type !== 'Bearer' || typeof result.sub !== 'string') {
      return refuse(401, 'invalid_token', 'the access token is invalid, expired or revoked');
    }
    const scopes = new Set(typeof result.scope === 'string' ? result.scope.split(' ') : []);
    if (!scopes.has('openid')) {
      return refuse(403, 'insufficient_scope', 'the access token lacks the openid scope');
    }
    const account = await this.accounts.findAccount(result.sub);
    if (!account) return refuse(401, 'invalid_token', 'the user is no longer known');
    const claims: Record<string, unknown> = { sub: account.sub };
    if (scopes.has('fhirUser')) claims.fhirUser = account.fhirUser;
    if (scopes.has('profile')) {
      Object.assign(claims, {
        name: account.name,
        given_name: account.given_name,
        family_name: account.family_name,
      });
    }
    res
      .status(200)
      .json(Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)));
  }
}
