import { Body, Controller, Headers, HttpCode, Inject, Post, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import { OAuthError } from '../errors/oauth.error.js';
import { OAuthErrorFilter } from '../errors/oauth-error.filter.js';
import { Observed } from '../metrics/endpoint.interceptor.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineRoutes } from '../provider/ports/engine-routes.port.js';
import { EngineTokens } from '../provider/ports/engine-tokens.port.js';
import { TokenRegistryService } from '../provider/token-registry.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { AccessTokenVerifier } from '../provider/access-token.verifier.js';
import { RequestGuardService, requestIdOf } from '../security/request-guard.service.js';
import { SecurityEventsService } from '../security/security-events.service.js';
import { oauthEndpointPath, oauthEndpointRoute } from '../common/smart.routes.js';

const INTROSPECT_SCOPE = 'introspect';

function formParams(body: unknown): Record<string, string> {
  if (body === null || typeof body !== 'object') return {};
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value !== 'string')
      throw OAuthError.invalidRequest(`${key}: parameter must be given once`);
    params[key] = value;
  }
  return params;
}

/**
 * Token introspection (RFC 7662) and revocation (RFC 7009) for JWT and opaque tokens alike.
 * Callers authenticate as clients, or (introspection) with a bearer token holding `introspect`.
 */
@Controller()
@UseFilters(OAuthErrorFilter)
export class TokenEndpointsController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    routes: EngineRoutes,
    private readonly engine: EngineTokens,
    private readonly tokens: TokenRegistryService,
    private readonly verifier: AccessTokenVerifier,
    private readonly guard: RequestGuardService,
    private readonly events: SecurityEventsService,
  ) {
    routes.reservePath(oauthEndpointPath(options.routes, 'introspection'));
    routes.reservePath(oauthEndpointPath(options.routes, 'revocation'));
  }

  /** @see https://hl7.org/fhir/smart-app-launch/token-introspection.html */
  @Post(oauthEndpointRoute('introspection'))
  @HttpCode(200)
  @Observed('introspect')
  async introspect(
    @Req() req: Request,
    @Body() body: unknown,
    @Headers('authorization') authorization?: string,
  ): Promise<Record<string, unknown>> {
    const params = formParams(body);
    const caller = await this.caller(req, params, authorization, 'introspect');
    if (!params.token) throw OAuthError.invalidRequest('token is required');
    const { result, owner } = await this.tokens.describe(params.token);
    const mayRead = caller.anyToken || caller.clientId === owner;
    req.res?.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    return mayRead ? result : { active: false };
  }

  @Post(oauthEndpointRoute('revocation'))
  @HttpCode(200)
  @Observed('revoke')
  async revoke(
    @Req() req: Request,
    @Body() body: unknown,
    @Headers('authorization') authorization?: string,
  ): Promise<Record<string, never>> {
    const params = formParams(body);
    const caller = await this.caller(req, params, authorization, 'revoke');
    if (!params.token) throw OAuthError.invalidRequest('token is required');
    if (caller.clientId) await this.tokens.revoke(params.token, caller.clientId);
    return {};
  }

  private async caller(
    req: Request,
    params: Record<string, string>,
    authorization: string | undefined,
    endpoint: 'introspect' | 'revoke',
  ): Promise<{ clientId?: string; anyToken: boolean }> {
    if (!req.is('application/x-www-form-urlencoded')) {
      throw OAuthError.invalidRequest('the request body must be application/x-www-form-urlencoded');
    }
    if (endpoint === 'introspect' && authorization?.toLowerCase().startsWith('bearer ')) {
      const claims = await this.verifier.verify(authorization.slice(7).trim());
      if (!claims) {
        const err = OAuthError.invalidToken('the bearer token is invalid or expired');
        throw await this.authenticationFailed(req, endpoint, err, undefined);
      }
      const scopes = (claims.scope ?? '').split(' ');
      if (!scopes.includes(INTROSPECT_SCOPE)) throw OAuthError.insufficientScope(INTROSPECT_SCOPE);
      return { clientId: claims.client_id, anyToken: true };
    }
    // The audiences a client assertion may name: this server's own URLs, never the request's.
    const origin = new URL(this.options.issuer).origin;
    const client = await this.engine
      .authenticateClient({
        authorization,
        params,
        audiences: [
          `${origin}${oauthEndpointPath(this.options.routes, endpoint === 'introspect' ? 'introspection' : 'revocation')}`,
          `${origin}${oauthEndpointPath(this.options.routes, 'token')}`,
          this.options.issuer,
        ],
        allowPublic: endpoint === 'revoke',
      })
      .catch(async (err: unknown) => {
        if (!(err instanceof OAuthError) || err.error !== 'invalid_client') throw err;
        throw await this.authenticationFailed(req, endpoint, err, params.client_id);
      });
    return { clientId: client.clientId, anyToken: false };
  }

  /** Counts a failed caller authentication against its IP and reports it; returns `err`. */
  private async authenticationFailed(
    req: Request,
    endpoint: 'introspect' | 'revoke',
    err: OAuthError,
    clientId: string | undefined,
  ): Promise<OAuthError> {
    const caller = { ip: req.ip, requestId: requestIdOf(req) };
    await this.guard.recordFailure(caller, { endpoint: 'introspection', clientId });
    this.events.emit({
      type: 'client_auth.failure',
      outcome: 'failure',
      clientId,
      ...caller,
      reason: `${err.error}: ${err.description}`,
      details: { endpoint },
    });
    return err;
  }
}
