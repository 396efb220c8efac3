import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ClientsService } from '@smart-openehr/auth-server';
import { APP_CONFIG } from '../config/app-config.constants.js';
import type { AppConfig } from '../config/env.config.js';

/** Scopes of the first admin client (contract.md). */
export const ADMIN_CLIENT_SCOPE = 'admin launch:create introspect';

/** Metadata of the first admin client: client_credentials with client_secret_basic. */
export const ADMIN_CLIENT_METADATA = {
  client_name: 'Platform administration',
  grant_types: ['client_credentials'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: ADMIN_CLIENT_SCOPE,
} as const;

/**
 * Creates (or updates) the first admin client from `SMART_ADMIN_CLIENT_ID` /
 * `SMART_ADMIN_CLIENT_SECRET` through the same validation path as the admin API; writes (and
 * audits) only when something changed.
 */
@Injectable()
export class AdminClientBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminClientBootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ClientsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminClientId: clientId, adminClientSecret: secret } = this.config;
    if (!clientId || !secret) return;
    const outcome = await this.clients.ensure(
      { clientId, secret, metadata: { ...ADMIN_CLIENT_METADATA }, trusted: true },
      { actor: 'environment' },
    );
    this.logger.log(`admin client ${clientId} ready (${outcome})`);
  }
}
