/** The security events this server reports. */
export type SecurityEventType =
  | 'login.success'
  | 'login.failure'
  | 'login.throttled'
  | 'token.issued'
  | 'token.refused'
  | 'client_auth.failure'
  | 'code.replay'
  | 'assertion.replay'
  | 'refresh_token.reuse'
  | 'rate_limit.exceeded'
  | 'admin.action';

/** One security event: who, what, in which context. Never a secret. */
export interface SecurityEvent {
  type: SecurityEventType;
  outcome: 'success' | 'failure';
  /** The OAuth client involved (as authenticated or, on failure, as claimed). */
  clientId?: string;
  /** The end-user (account id) involved. */
  userId?: string;
  /** The EHR in context (launch context). */
  ehrId?: string;
  /** Scopes granted or asked for (space-separated). */
  scopes?: string;
  /** The request id (`X-Request-Id`). */
  requestId?: string;
  /** The caller's IP address. */
  ip?: string;
  /** Why it failed: the OAuth error and its description, or the rule that applied. */
  reason?: string;
  /** Anything else worth keeping (grant type, endpoint, limit). */
  details?: Record<string, unknown>;
}
