import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';

/**
 * SMART capabilities this configuration really supports, derived from the options (one source of
 * truth). openEHR capabilities use the spec's short names (decisions.md item 8).
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html#capabilities
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Capabilities)
 */
export function capabilitiesFor(options: ResolvedSmartAuthServerOptions): string[] {
  void options;
  return ['client-confidential-symmetric', 'client-confidential-asymmetric'];
}
