/**
 * An OAuth-style error from one of our own Nest endpoints (launch, discovery, registration),
 * rendered by `OAuthErrorFilter` as `{ error, error_description }`.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-5.2
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  static invalidRequest(description: string): OAuthError {
    return new OAuthError('invalid_request', description);
  }
  static invalidClientMetadata(description: string): OAuthError {
    return new OAuthError('invalid_client_metadata', description);
  }
  static invalidToken(description: string): OAuthError {
    return new OAuthError('invalid_token', description, 401, { 'WWW-Authenticate': 'Bearer' });
  }
  static insufficientScope(scope: string): OAuthError {
    return new OAuthError('insufficient_scope', `requires scope ${scope}`, 403);
  }
  static temporarilyUnavailable(): OAuthError {
    return new OAuthError(
      'temporarily_unavailable',
      'the authorization server is temporarily unavailable',
      503,
      { 'Retry-After': '5' },
    );
  }
}
