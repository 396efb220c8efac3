/**
 * The resource server could not decide whether a token is valid because a dependency (the
 * issuer's discovery document, its JWKS or its introspection endpoint) did not answer usefully.
 * Rendered as 503 `temporarily_unavailable` with `Retry-After`, never as `invalid_token`, so that
 * clients do not throw away good tokens during an outage. The detail stays in the log.
 */
export class TokenVerificationUnavailableError extends Error {
  override readonly name = 'TokenVerificationUnavailableError';
  readonly code = 'ERR_TOKEN_VERIFICATION_UNAVAILABLE';
  readonly status = 503;

  constructor(
    /** Internal detail for the log; never sent to the client. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`token verification unavailable: ${detail}`, options);
  }

  /** Public JSON body. */
  toBody(): { error: 'temporarily_unavailable'; error_description: string } {
    return {
      error: 'temporarily_unavailable',
      error_description: 'the access token cannot be verified right now, retry later',
    };
  }
}
