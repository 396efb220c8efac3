/** The claims of a verified access token that a revocation can name. */
export interface SmartRevocableClaims {
  jti?: unknown;
  client_id?: unknown;
  sub?: unknown;
  iat?: unknown;
}

/**
 * The revocation list this instance keeps in memory, for a resource server that runs in the
 * same process as the authorization server (the reference platform's openEHR gateway): answers
 * without a database query. Every revocation (RFC 7009, a replayed code, a reused refresh token,
 * the account page, a suspended or deleted client, an admin revoking a user) is on it at once on
 * the instance that revoked, and on other instances sharing PostgreSQL within about a second.
 */
export abstract class SmartTokenRevocations {
  /** Whether the token with these (verified) claims has been revoked. */
  abstract isRevoked(claims: SmartRevocableClaims): boolean;
  /**
   * Whether the list was re-read from the database within its staleness bound (10 s); when it
   * was not, a careful resource server fails closed (503).
   */
  abstract isCurrent(): boolean;
}
