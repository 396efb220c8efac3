// The label values the metrics take: closed sets, so that every metric has a bounded number of
// time series (no ids, no paths; README "Metrics").

/** The endpoints whose requests are timed (`smart_auth_request_duration_seconds`). */
export type MeasuredEndpoint =
  | 'token'
  | 'authorize'
  | 'par'
  | 'introspect'
  | 'revoke'
  | 'discovery'
  | 'jwks'
  | 'userinfo'
  | 'other';

/** Why tokens were put on the revocation list (`smart_auth_revocations_total`). */
export type RevocationCause =
  /** RFC 7009 revocation of one access token. */
  | 'token_revocation'
  /** A grant revoked: a replayed code or refresh token, an app the user or an admin revoked. */
  | 'grant'
  /** An admin revoked every token of a user. */
  | 'user'
  /** A client suspended, changed (e.g. secret rotation with revocation) or deleted. */
  | 'client';

/** What became of a launch handle (`smart_auth_launches_total`). */
export type LaunchOutcome = 'created' | 'used' | 'expired' | 'refused';

/** What the user answered on the consent page (`smart_auth_consent_decisions_total`). */
export type ConsentDecision = 'allow' | 'deny';

/** How a password login ended (`smart_auth_logins_total`); `locked`: refused by the throttle. */
export type LoginOutcome = 'success' | 'failure' | 'locked';

/** Whose keys were fetched (`smart_auth_jwks_fetches_total`). */
export type JwksSource = 'client' | 'trusted_issuer';

/** The limit behind a 429 (`smart_auth_rate_limit_refusals_total`). */
export type RateLimitName =
  | 'token_per_ip'
  | 'authorize_per_ip'
  | 'login_per_ip'
  | 'registration_per_ip'
  | 'introspection_per_ip'
  | 'token_per_client'
  | 'failed_auth_per_ip'
  | 'login_per_account';

/** The SQL statement kinds a query is counted under (`smart_auth_storage_query_*`). */
export const QUERY_OPERATIONS = [
  'select',
  'insert',
  'update',
  'delete',
  'begin',
  'commit',
  'rollback',
  'other',
] as const;

/** The SQL statement kind of a query; anything not listed: `other`. */
export type QueryOperation = (typeof QUERY_OPERATIONS)[number];
