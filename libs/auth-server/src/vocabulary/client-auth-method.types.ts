/**
 * `token_endpoint_auth_method` values this server knows, in the order discovery lists them
 * (`token_endpoint_auth_methods_supported`). A client's method decides its type (`clientTypeOf`).
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
] as const;

export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];
