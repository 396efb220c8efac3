import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import { OAuthError } from '../errors/oauth.error.js';
import { RevocationListService } from '../revocation/revocation-list.service.js';
import { AccessTokenVerifier } from '../provider/access-token.verifier.js';
import { IdentityServerTokenVerifier } from '../identity-server/identity-server-token.verifier.js';
import { ADMIN_ACTOR, type AdminRequest } from './admin-actor.decorator.js';
import { ADMIN_REALM, ADMIN_SCOPES_METADATA } from './admin.constants.js';

const quote = (s: string) => s.replace(/["\\]/g, '');

/** 401 with an RFC 6750 challenge (no error code when no credentials were sent). */
function unauthorized(description: string, error?: 'invalid_token'): OAuthError {
  const challenge = error
    ? `Bearer realm="${ADMIN_REALM}", error="${error}", error_description="${quote(description)}"`
    : `Bearer realm="${ADMIN_REALM}"`;
  return new OAuthError('invalid_token', description, 401, { 'WWW-Authenticate': challenge });
}

function insufficientScope(required: readonly string[]): OAuthError {
  const scope = required.join(' ');
  return new OAuthError('insufficient_scope', `requires scope ${required.join(' or ')}`, 403, {
    'WWW-Authenticate': `Bearer realm="${ADMIN_REALM}", error="insufficient_scope", scope="${scope}"`,
  });
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/**
 * Admin API authorization: a JWT access token of this server (verified locally, not on the
 * revocation list), whose client is still approved (a suspended admin client is locked out at
 * once), holding one of the route's `@AdminScopes()`; or, with `externalLogin.admin`, an access
 * token of the identity server whose user holds the configured role.
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3
 */
@Injectable()
export class AdminApiGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly clients: ClientRegistryService,
    private readonly revocations: RevocationListService,
    private readonly identityServer: IdentityServerTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(ADMIN_SCOPES_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]) ?? ['admin'];
    const req = context
      .switchToHttp()
      .getRequest<AdminRequest & { headers: IncomingHttpHeaders }>();
    const token = bearerToken(req.headers);
    if (!token) throw unauthorized('a bearer access token is required');
    const claims = await this.verifier.verify(token);
    if (!claims) return this.asIdentityServerAdmin(req, token, required);
    if (this.revocations.isRevoked(claims)) {
      throw unauthorized('the access token has been revoked', 'invalid_token');
    }
    const clientId = claims.client_id;
    const client = clientId ? await this.clients.find(clientId) : undefined;
    if (!client || client.status !== 'approved') {
      throw unauthorized('the client of this access token is not active', 'invalid_token');
    }
    const granted = new Set((claims.scope ?? '').split(' '));
    if (!required.some((scope) => granted.has(scope))) throw insufficientScope(required);
    req[ADMIN_ACTOR] = {
      actor: client.clientId,
      requestId: typeof req.id === 'string' ? req.id : undefined,
    };
    return true;
  }

  /**
   * Not one of our tokens: an access token of the identity server (`externalLogin.admin`), whose
   * user holds the configured role, has every admin scope; the actor is `idp:<sub>`.
   */
  private async asIdentityServerAdmin(
    req: AdminRequest,
    token: string,
    required: readonly string[],
  ): Promise<boolean> {
    const admin = await this.identityServer.verify(token);
    if (!admin) throw unauthorized('the access token is invalid or expired', 'invalid_token');
    if (!admin.isAdmin) throw insufficientScope(required);
    req[ADMIN_ACTOR] = {
      actor: `idp:${admin.sub}`,
      requestId: typeof req.id === 'string' ? req.id : undefined,
    };
    return true;
  }
}
