import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ClientRegistryService, hashClientSecret } from '#auth-server';
import { APP_CONFIG } from '../config/app-config.constants.js';
import type { AppConfig } from '../config/env.config.js';

/** Scopes of the first admin client (contract.md). */
export const ADMIN_CLIENT_SCOPE = 'admin launch:create introspect';

/**
 * Creates (or updates) the first admin client from `SMART_ADMIN_CLIENT_ID` /
 * `SMART_ADMIN_CLIENT_SECRET`: client_credentials with client_secret_basic.
 */
@Injectable()
export class AdminClientBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminClientBootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ClientRegistryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminClientId: clientId, adminClientSecret: secret } = this.config;
    if (!clientId || !secret) return;
    const existing = await this.clients.findEntity(clientId);
    const now = Date.now();
    await this.clients.save({
      clientId,
      metadata: JSON.stringify({
        client_name: 'Platform administration',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: ADMIN_CLIENT_SCOPE,
      }),
      clientType: 'confidential-symmetric',
      status: 'approved',
      trusted: true,
      secretHash: hashClientSecret(secret),
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      createdBy: existing?.createdBy ?? 'environment',
      updatedBy: 'environment',
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    this.logger.log(`admin client ${clientId} ready`);
  }
}
