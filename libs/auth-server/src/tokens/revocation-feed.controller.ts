import { Controller, Get, Headers, Inject, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import { OAuthError } from '../errors/oauth.error.js';
import { OAuthErrorFilter } from '../errors/oauth-error.filter.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineRoutes } from '../provider/ports/engine-routes.port.js';
import { EngineTokens } from '../provider/ports/engine-tokens.port.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { AccessTokenVerifier } from '../provider/access-token.verifier.js';
import { RevocationListService } from '../revocation/revocation-list.service.js';
import { oauthEndpointPath, oauthEndpointRoute } from '../common/smart.routes.js';

/** Scopes that may read the feed (a resource server introspects with `introspect`). */
const FEED_SCOPES = ['introspect', 'admin'];
const MAX_LIMIT = 1000;

/** One entry of the feed (epoch seconds on the wire). */
interface FeedItem {
  kind: string;
  target: string;
  issued_before: number | null;
  expires_at: number;
}

/**
 * The revocation feed for resource servers in other processes: `GET /auth/revocations?since=`
 * returns the unexpired revocations after the cursor, oldest first, and the cursor to ask with
 * next. Entries: `jti` (target = SHA-256, base64url, of the token's `jti`), `client` and
 * `subject` (every token of that `client_id` / `sub` with an `iat` up to `issued_before`).
 * Callers authenticate with a bearer token of this server, or as a client (same methods as
 * introspection), holding `introspect` or `admin` (the client's registered scope, for client
 * authentication).
 * @see https://datatracker.ietf.org/doc/html/rfc7009
 */
@Controller()
@UseFilters(OAuthErrorFilter)
export class RevocationFeedController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    routes: EngineRoutes,
    private readonly engine: EngineTokens,
    private readonly verifier: AccessTokenVerifier,
    private readonly clients: ClientRegistryService,
    private readonly revocations: RevocationListService,
  ) {
    routes.reservePath(oauthEndpointPath(options.routes, 'revocation_feed'));
  }

  @Get(oauthEndpointRoute('revocation_feed'))
  async feed(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('since') since?: unknown,
    @Query('limit') limit?: unknown,
    @Headers('authorization') authorization?: string,
  ): Promise<{ items: FeedItem[]; cursor: string; has_more: boolean }> {
    await this.authorize(req, authorization);
    const cursor = parseCount('since', since, 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const size = parseCount('limit', limit, 1, MAX_LIMIT) ?? MAX_LIMIT;
    const page = await this.revocations.changesSince(cursor, size);
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    return {
      items: page.items.map((e) => ({
        kind: e.kind,
        target: e.target,
        issued_before: e.issuedBefore,
        expires_at: Math.ceil(e.expiresAt / 1000),
      })),
      cursor: String(page.cursor),
      has_more: page.hasMore,
    };
  }

  private async authorize(req: Request, authorization: string | undefined): Promise<void> {
    if (authorization?.toLowerCase().startsWith('bearer ')) {
      const claims = await this.verifier.verify(authorization.slice(7).trim());
      const client = claims?.client_id ? await this.clients.find(claims.client_id) : undefined;
      if (!claims || client?.status !== 'approved' || this.revocations.isRevoked(claims)) {
        throw OAuthError.invalidToken('the bearer token is invalid, expired or revoked');
      }
      if (!hasFeedScope(claims.scope)) throw OAuthError.insufficientScope(FEED_SCOPES.join(' '));
      return;
    }
    if (!authorization) {
      throw new OAuthError('invalid_client', 'client authentication is required', 401, {
        'WWW-Authenticate': 'Basic realm="smart", Bearer',
      });
    }
    const origin = `${req.protocol}://${req.host}`;
    const client = await this.engine.authenticateClient({
      authorization,
      params: {},
      audiences: [
        `${origin}${oauthEndpointPath(this.options.routes, 'token')}`,
        this.options.issuer,
      ],
    });
    const registered = await this.clients.find(client.clientId);
    if (!hasFeedScope(registered?.metadata.scope)) {
      throw OAuthError.insufficientScope(FEED_SCOPES.join(' '));
    }
  }
}

function hasFeedScope(scope: unknown): boolean {
  const granted = typeof scope === 'string' ? scope.split(' ') : [];
  return FEED_SCOPES.some((s) => granted.includes(s));
}

function parseCount(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw OAuthError.invalidRequest(`${name} must be an integer between ${min} and ${max}`);
  }
  return n;
}
