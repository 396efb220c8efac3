import { Inject, Injectable } from '@nestjs/common';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import { clientTypeOf } from '../clients/client.types.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { decideBackendScope } from '../policy/backend-scope.policy.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import type { EnginePolicy } from './oidc-configuration.builder.js';

/** Grant types where no user is involved. */
export const BACKEND_GRANTS = new Set([
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
]);

const USER_OR_SYSTEM = ['user', 'system'] as const;

/** SMART policy decisions the engine asks for: scopes per resource server, token lifetimes. */
@Injectable()
export class EnginePolicyService implements EnginePolicy {
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
      const decision = decideBackendScope(
        asked,
        client?.metadata.scope,
        this.options.extraScopes,
        compartments,
      );
      if (!decision.ok) throw new errors.InvalidScope(decision.description, decision.scope);
      return decision.scope;
    }
    // Code and refresh exchanges: what the user's grant holds for this resource server.
    const grant = (ctx.oidc.entities as { Grant?: { getResourceScope(r: string): string } }).Grant;
    if (grant) return grant.getResourceScope(this.options.issuer);
    // User flows: the consent step decided (and rewrote the request to) exactly what is granted.
    // Every granted scope, launch and OIDC ones included, is the resource server's too, so the
    // access token, the token response and introspection all list the same scopes.
    return asked ?? '';
  }

  accessTokenTtl(clientAuthMethod: string, grantType: string | undefined): number {
    if (grantType && BACKEND_GRANTS.has(grantType)) {
      return this.options.backendAccessTokenTtlSeconds;
    }
    const type = clientTypeOf(clientAuthMethod) ?? 'public';
    return this.options.accessTokenTtlSeconds[type];
  }
}
