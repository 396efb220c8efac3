import { Inject, Injectable } from '@nestjs/common';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import { clientTypeOf } from '../clients/client.types.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import type { EnginePolicy } from './oidc-configuration.builder.js';

const BACKEND_GRANTS = new Set([
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
]);

/** SMART policy decisions the engine asks for: scopes per resource server, token lifetimes. */
@Injectable()
export class EnginePolicyService implements EnginePolicy {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly clients: ClientRegistryService,
  ) {}

  async resourceScope(ctx: KoaContextWithOIDC, clientId: string): Promise<string> {
    const client = await this.clients.find(clientId);
    const registered = new Set((client?.metadata.scope ?? '').split(' ').filter(Boolean));
    const scope = ctx.oidc.params?.scope;
    const requested = typeof scope === 'string' ? scope.split(' ') : [];
    return requested.filter((s) => registered.has(s)).join(' ');
  }

  accessTokenTtl(clientAuthMethod: string, grantType: string | undefined): number {
    if (grantType && BACKEND_GRANTS.has(grantType)) {
      return this.options.backendAccessTokenTtlSeconds;
    }
    const type = clientTypeOf(clientAuthMethod) ?? 'public';
    return this.options.accessTokenTtlSeconds[type];
  }
}
