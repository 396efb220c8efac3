import { Inject, Injectable } from '@nestjs/common';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import { clientTypeOf } from '../clients/client.types.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { decideBackendScope, type BackendScopeDecision } from '../policy/backend-scope.policy.js';
import { ExpiringCache } from '../common/expiring.cache.js';
import { narrowUserRequest } from '../policy/user-scope.policy.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { BACKEND_GRANT_TYPES } from '../vocabulary/grant-type.types.js';
import type { EnginePolicy } from './oidc-configuration.builder.js';

const BACKEND_GRANTS: ReadonlySet<string> = new Set(BACKEND_GRANT_TYPES);

const USER_OR_SYSTEM = ['user', 'system'] as const;

/** Backend scope decisions remembered (by grant type, registration and request). */
const MAX_REMEMBERED_DECISIONS = 1000;

/** Engine routes that carry an authorization request (the scope there is still the app's ask). */
const USER_REQUEST_ROUTES = new Set(['authorization', 'resume', 'pushed_authorization_request']);

/** SMART policy decisions the engine asks for: scopes per resource server, token lifetimes. */
@Injectable()
export class EnginePolicyService implements EnginePolicy {
  private readonly backendDecisions = new ExpiringCache<BackendScopeDecision>(
    MAX_REMEMBERED_DECISIONS,
  );

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly clients: ClientRegistryService,
  ) {}

  async resourceScope(ctx: KoaContextWithOIDC, clientId: string): Promise<string> {
    const client = await this.clients.find(clientId);
    const requested = ctx.oidc.params?.scope;
    const grantType = ctx.oidc.params?.grant_type;
    const asked = typeof requested === 'string' ? requested : undefined;
    if (typeof grantType === 'string' && BACKEND_GRANTS.has(grantType)) {
      const compartments =
        grantType === 'client_credentials' ? ['system' as const] : USER_OR_SYSTEM;
      const registered = client?.metadata.scope;
      // The same few requests again and again: decided once per request and registration.
      const key = `${grantType}\n${registered ?? ''}\n${asked ?? ''}`;
      let decision = this.backendDecisions.get(key);
      if (decision === undefined) {
        decision = decideBackendScope(asked, registered, this.options.extraScopes, compartments);
        this.backendDecisions.set(key, decision, Infinity);
      }
      if (!decision.ok) throw new errors.InvalidScope(decision.description, decision.scope);
      return decision.scope;
    }
    // Code and refresh exchanges: what the user's grant holds for this resource server.
    const grant = (ctx.oidc.entities as { Grant?: { getResourceScope(r: string): string } }).Grant;
    if (grant) return grant.getResourceScope(this.options.issuer);
    // User flows: the request is narrowed to the registration at the authorization endpoint, and
    // the consent step rewrites it to exactly what is granted. Every granted scope, launch and
    // OIDC ones included, is the resource server's too, so the access token, the token response
    // and introspection all list the same scopes.
    if (!USER_REQUEST_ROUTES.has(ctx.oidc.route)) return asked ?? '';
    return this.narrowRequestToRegistration(ctx, asked, client?.metadata.scope);
  }

  /**
   * Narrows the authorization request's `scope` to the registration (rewriting the parameter)
   * before anyone signs in, so consent, remembered consent and `prompt=none` all see the same
   * request; nothing left is `invalid_scope`. README "Conformance notes" 15.
   * @see https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.2.1
   */
  private narrowRequestToRegistration(
    ctx: KoaContextWithOIDC,
    asked: string | undefined,
    registered: string | undefined,
  ): string {
    if (!asked?.trim()) return asked ?? '';
    const scopes = narrowUserRequest(asked, registered, this.options.extraScopes);
    if (scopes.length === 0) {
      throw new errors.InvalidScope(
        "none of the requested scopes is within the client's registration",
        asked,
      );
    }
    const scope = scopes.map((s) => s.raw).join(' ');
    (ctx.oidc.params as { scope?: string }).scope = scope;
    return scope;
  }

  accessTokenTtl(clientAuthMethod: string, grantType: string | undefined): number {
    if (grantType && BACKEND_GRANTS.has(grantType)) {
      return this.options.backendAccessTokenTtlSeconds;
    }
    const type = clientTypeOf(clientAuthMethod) ?? 'public';
    return this.options.accessTokenTtlSeconds[type];
  }
}
