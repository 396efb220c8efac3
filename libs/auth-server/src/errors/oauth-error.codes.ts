/**
 * The `error` codes this server puts on the wire. The constructor of `OAuthError` takes any
 * string (it is public API); code inside the package names codes through this union.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-5.2
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.2.1
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3.1
 * @see https://datatracker.ietf.org/doc/html/rfc7009#section-2.2.1
 * @see https://datatracker.ietf.org/doc/html/rfc7591#section-3.2.2
 */
export type OAuthErrorCode =
  // RFC 6749 (token and authorization endpoints; SMART App Launch uses the same codes)
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  // RFC 6750 (bearer tokens)
  | 'invalid_token'
  | 'insufficient_scope'
  // RFC 7009 (revocation)
  | 'unsupported_token_type'
  // RFC 7591 (dynamic registration)
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_software_statement'
  | 'unapproved_software_statement'
  // This project's admin API (named after the HTTP status, see `ADMIN_HTTP_CODES`)
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'request_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests';

/** The generic text of every error whose detail must not reach the wire. */
export const SERVER_ERROR_DESCRIPTION = 'the server could not handle the request';
