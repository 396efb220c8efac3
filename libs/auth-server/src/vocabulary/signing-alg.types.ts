/**
 * Algorithms this server signs its own JWTs with (access tokens, id_tokens, userinfo). The name
 * is public (`SmartSigningAlg`, the type of `accessTokenSigningAlg`); it is spelled as a union
 * because the published declarations must not point at an internal constant.
 */
export type SmartSigningAlg = 'ES256' | 'ES384' | 'RS256';

/**
 * Every {@link SmartSigningAlg}, in the order the engine lists them in discovery
 * (`id_token_signing_alg_values_supported`). The server always keeps a key for each: RS256 for
 * id_tokens (SMART requires it), ES256/ES384 (or RS256) for access tokens. Written as the keys of
 * a `Record` so the compiler refuses a list that misses or adds an algorithm of the union.
 */
export const TOKEN_SIGNING_ALGS = Object.freeze(
  Object.keys({ RS256: 0, ES256: 0, ES384: 0 } satisfies Record<SmartSigningAlg, 0>),
) as readonly SmartSigningAlg[];

/**
 * Algorithms we accept on JWTs that others sign: `private_key_jwt` client assertions, the keys
 * such clients declare, and jwt-bearer assertions. SMART requires RS384 and ES384, which come
 * first; the order is the one discovery lists (`token_endpoint_auth_signing_alg_values_supported`).
 * @see https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html
 */
export const CLIENT_ASSERTION_ALGS = ['RS384', 'ES384', 'RS256', 'ES256', 'PS256'] as const;
