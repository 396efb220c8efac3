import type { SmartClientMetadata } from './client.types.js';

const KEY_MEMBERS = ['jwks', 'jwks_uri', 'token_endpoint_auth_signing_alg'] as const;

/**
 * Applies a JSON merge patch (RFC 7396: `null` removes a member) to stored metadata, and drops
 * the members that were derived from a changed member unless the patch sets them too
 * (`response_types` and `launch_modes` from `grant_types`, `application_type` from
 * `redirect_uris`, keys when the method is no longer `private_key_jwt`). The result is then
 * validated as a whole.
 * @see https://datatracker.ietf.org/doc/html/rfc7396
 */
export function mergeClientMetadataPatch(
  current: SmartClientMetadata,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const given = (key: string) => key in patch && patch[key] !== undefined;
  if (given('grant_types') && !given('response_types')) delete merged.response_types;
  if (given('grant_types') && !given('launch_modes')) {
    const grants = merged.grant_types;
    if (!Array.isArray(grants) || !grants.includes('authorization_code'))
      delete merged.launch_modes;
  }
  if (given('redirect_uris') && !given('application_type')) delete merged.application_type;
  if (
    given('token_endpoint_auth_method') &&
    patch.token_endpoint_auth_method !== 'private_key_jwt'
  ) {
    for (const key of KEY_MEMBERS) if (!given(key)) delete merged[key];
  }
  if (given('jwks') && patch.jwks !== null && !given('jwks_uri')) delete merged.jwks_uri;
  if (given('jwks_uri') && patch.jwks_uri !== null && !given('jwks')) delete merged.jwks;
  return merged;
}
