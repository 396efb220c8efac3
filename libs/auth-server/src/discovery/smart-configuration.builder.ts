import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { sharedDiscoveryMetadata } from './discovery-metadata.builder.js';

/**
 * `/.well-known/smart-configuration`, computed from the running configuration: the members it
 * shares with the openid-configuration (one source, see `sharedDiscoveryMetadata`) plus the
 * SMART-only ones. URLs come from the public URL, never from the request.
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html#metadata
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Service Discovery)
 */
export function buildSmartConfiguration(
  options: ResolvedSmartAuthServerOptions,
): Record<string, unknown> {
  return {
    ...sharedDiscoveryMetadata(options),
    // Extension member (SMART: `__` prefix): which clients must use PKCE (decisions.md item 10).
    __pkce_required: options.pkce === 'all' ? 'all-clients' : 'public-clients',
    services: options.services,
  };
}
