/**
 * Clock skew accepted on JWTs. There are two on purpose, because the clocks differ:
 *
 * - Our own access tokens are stamped by this server's clock (shared by its instances), so the
 *   tolerance is small, the resource-server package's default (`clockToleranceSeconds: 5`). A token
 *   is inactive 5 s after its `exp` (test/e2e/backend-services: "inactive once it has expired").
 * - Assertions others sign (client assertions, jwt-bearer assertions, DPoP proofs) come from
 *   clocks we do not control: 10 s is accepted on `iat`, `nbf` and `exp`, 60 s is refused
 *   (test/security/client-assertions: "clock skew: up to 10 s accepted, 60 s and more refused").
 */

/** Skew accepted on `exp` of this server's own access tokens. */
export const ACCESS_TOKEN_CLOCK_SKEW_SECONDS = 5;

/** Skew accepted on `iat`, `nbf` and `exp` of JWTs signed by clients and trusted issuers. */
export const ASSERTION_CLOCK_SKEW_SECONDS = 10;

/**
 * How long a revocation outlives the token it names: longer than any verifier's skew on `exp`
 * (ours above, and resource servers with their default), so no verifier can still accept a token
 * whose revocation has already been forgotten.
 */
export const REVOCATION_MARGIN_SECONDS = 60;
