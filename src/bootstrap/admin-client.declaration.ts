import type { SmartSeedClient } from '@smart-openehr/auth-server';
import type { AppConfig } from '../config/env.config.js';

/** Scopes of the first admin client (contract.md). */
const ADMIN_CLIENT_SCOPE = 'admin launch:create introspect';

/**
 * The first admin client from `SMART_ADMIN_CLIENT_ID` / `SMART_ADMIN_CLIENT_SECRET`
 * (client_credentials with client_secret_basic), declared through the module's `clients` option:
 * created at start, updated (and audited) only when the environment changed it.
 */
export function adminClientDeclaration(config: AppConfig): SmartSeedClient[] {
  const { adminClientId: clientId, adminClientSecret: secret } = config;
  if (!clientId || !secret) return [];
  return [
    {
      clientId,
      secret,
      trusted: true,
      metadata: {
        client_name: 'Platform administration',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: ADMIN_CLIENT_SCOPE,
      },
    },
  ];
}
