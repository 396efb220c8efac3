import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';

/**
 * SMART capabilities this configuration really supports, derived from the options (one source of
 * truth). openEHR capabilities use the spec's short names (decisions.md item 8).
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html#capabilities
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Capabilities)
 */
export function capabilitiesFor(options: ResolvedSmartAuthServerOptions): string[] {
  return [
    'launch-ehr',
    'launch-standalone',
    'authorize-post',
    'client-public',
    'client-confidential-symmetric',
    'client-confidential-asymmetric',
    'sso-openid-connect',
    'context-banner',
    ...(options.launch.styleUrl ? ['context-style'] : []),
    'context-ehr-patient',
    'context-ehr-encounter',
    'context-standalone-patient',
    'permission-offline',
    'permission-online',
    'permission-patient',
    'permission-user',
    'permission-v1',
    'permission-v2',
    'context-openehr-ehr',
    'openehr-permission-v1',
    ...(options.launch.base64Json ? ['launch-base64-json'] : []),
    ...(options.launch.episodeContext ? ['context-openehr-episode'] : []),
  ];
}
