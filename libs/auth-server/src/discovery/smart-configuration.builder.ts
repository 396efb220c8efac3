import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import {
  CLIENT_AUTH_ALGS,
  CLIENT_AUTH_METHODS,
  GRANT_TYPES,
  IDENTITY_SCOPES,
  LAUNCH_SCOPES,
} from '../provider/oidc-configuration.builder.js';
import { capabilitiesFor } from './capabilities.js';

/** The maximal openEHR scopes of the spec's table, listed as examples of what is supported. */
const OPENEHR_SCOPES = [
  'patient/composition-*.cruds',
  'user/composition-*.cruds',
  'system/composition-*.cruds',
  'user/template-*.cruds',
  'system/template-*.cruds',
  'patient/aql-*.rs',
  'user/aql-*.cruds',
  'system/aql-*.cruds',
];

/**
 * `/.well-known/smart-configuration`, computed from the running configuration.
 * Endpoint URLs are absolute, built from `origin` (the request's, as the engine does).
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html#metadata
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Service Discovery)
 */
export function buildSmartConfiguration(
  options: ResolvedSmartAuthServerOptions,
  origin: string,
): Record<string, unknown> {
  const at = (path: string) => `${origin}${options.mountPath}${path}`;
  return {
    issuer: options.issuer,
    jwks_uri: at('/jwks'),
    authorization_endpoint: at('/authorize'),
    token_endpoint: at('/token'),
    introspection_endpoint: at('/introspect'),
    revocation_endpoint: at('/revoke'),
    userinfo_endpoint: at('/userinfo'),
    management_endpoint: `${origin}/account/apps`,
    ...(options.registration.enabled ? { registration_endpoint: at('/register') } : {}),
    grant_types_supported: GRANT_TYPES,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    // Extension member (SMART: `__` prefix): which clients must use PKCE (decisions.md item 10).
    __pkce_required: options.pkce === 'all' ? 'all-clients' : 'public-clients',
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((m) => m !== 'none'),
    token_endpoint_auth_signing_alg_values_supported: CLIENT_AUTH_ALGS,
    scopes_supported: [
      ...IDENTITY_SCOPES,
      ...LAUNCH_SCOPES.filter((s) => s !== 'launch/episode' || options.launch.episodeContext),
      ...OPENEHR_SCOPES,
    ],
    capabilities: capabilitiesFor(options),
    services: options.services,
  };
}
