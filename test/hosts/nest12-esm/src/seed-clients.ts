import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ClientsService } from '@smart-openehr/auth-server';
import { HOST_CONFIG } from './host.constants.js';
import type { HostConfig } from './host.config.js';

/** Redirect URI of the host's user-facing app. */
export const APP_REDIRECT_URI = 'http://127.0.0.1:9/callback';

/**
 * The host's first clients: an admin client (launches), a backend service and a user-facing app.
 * Kept in this one file, to move into the module's options once `forRoot` can declare clients.
 */
@Injectable()
export class SeedClients implements OnApplicationBootstrap {
  private readonly logger = new Logger('SeedClients');

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly clients: ClientsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const by = { actor: 'host-seed' };
    const seeds = [
      {
        clientId: 'host-admin',
        secret: this.config.adminClientSecret,
        trusted: true,
        metadata: {
          client_name: 'Host administration',
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'admin launch:create introspect',
        },
      },
      {
        clientId: 'host-backend',
        secret: this.config.backendClientSecret,
        trusted: false,
        metadata: {
          client_name: 'Host backend service',
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'system/composition-*.rs system/template-*.rs',
        },
      },
      {
        clientId: 'host-app',
        secret: '',
        trusted: false,
        metadata: {
          client_name: 'Host notes app',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [APP_REDIRECT_URI],
          token_endpoint_auth_method: 'none',
          scope: 'launch openid fhirUser patient/composition-*.rs',
        },
      },
    ];
    for (const seed of seeds) {
      const outcome = await this.clients.ensure(seed, by);
      this.logger.log(`client ${seed.clientId} ${outcome}`);
    }
  }
}
