import type { SmartSeedClient } from '@smart-openehr/auth-server';
import type { HostConfig } from './host.config.js';

/** Redirect URI of the host's user-facing app. */
export const APP_REDIRECT_URI = 'http://127.0.0.1:9/callback';

/**
 * The host's first clients, declared in the module's `clients` option: an admin client
 * (launches), a backend service and a user-facing app.
 */
export function hostClients(config: HostConfig): SmartSeedClient[] {
  return [
    {
      clientId: 'host-admin',
      secret: config.adminClientSecret,
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
      secret: config.backendClientSecret,
      metadata: {
        client_name: 'Host backend service',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'system/composition-*.rs system/template-*.rs',
      },
    },
    {
      clientId: 'host-app',
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
}
