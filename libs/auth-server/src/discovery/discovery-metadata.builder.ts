import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { IDENTITY_NAMES, LAUNCH_SCOPE_NAMES } from '@smart-openehr/scopes';
import { oauthEndpointPath, type OAuthEndpoint } from '../common/smart.routes.js';
import { CLIENT_AUTH_METHODS } from '../vocabulary/client-auth-method.types.js';
import { GRANT_TYPES } from '../vocabulary/grant-type.types.js';
import { CLIENT_ASSERTION_ALGS } from '../vocabulary/signing-alg.types.js';
import { capabilitiesFor } from './capabilities.builder.js';

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

/** How long discovery answers may be cached (both documents). */
export const DISCOVERY_CACHE_CONTROL = 'public, max-age=300';

/** The scopes this configuration supports: identity, launch (episode only when on), openEHR. */
function supportedScopes(options: ResolvedSmartAuthServerOptions): string[] {
  return [
    ...IDENTITY_NAMES,
    ...LAUNCH_SCOPE_NAMES.filter((s) => s !== 'launch/episode' || options.launch.episodeContext),
    ...OPENEHR_SCOPES,
  ];
}

/**
 * The members `/.well-known/smart-configuration` and `/.well-known/openid-configuration` share,
 * computed once from the running configuration: SMART on openEHR requires them to match. Every URL
 * is built from the public URL (`issuer`), never from the request.
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Service Discovery)
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html#metadata
 */
export function sharedDiscoveryMetadata(
  options: ResolvedSmartAuthServerOptions,
): Record<string, unknown> {
  const origin = new URL(options.issuer).origin;
  const at = (endpoint: OAuthEndpoint) => `${origin}${oauthEndpointPath(options.routes, endpoint)}`;
  return {
    issuer: options.issuer,
    jwks_uri: at('jwks'),
    authorization_endpoint: at('authorization'),
    token_endpoint: at('token'),
    introspection_endpoint: at('introspection'),
    revocation_endpoint: at('revocation'),
    userinfo_endpoint: at('userinfo'),
    management_endpoint: `${origin}${options.routes.account}`,
    ...(options.registration.enabled ? { registration_endpoint: at('registration') } : {}),
    grant_types_supported: [...GRANT_TYPES],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    scopes_supported: supportedScopes(options),
    capabilities: capabilitiesFor(options),
  };
}
