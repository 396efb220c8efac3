/** The two RFC 6750 error codes a resource server answers with. */
export type BearerErrorCode = 'invalid_token' | 'insufficient_scope';

/** Characters allowed inside an RFC 6750 `WWW-Authenticate` quoted value (no `"` or `\`). */
const QUOTABLE = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;

function quote(value: string): string {
  return `"${value.replace(QUOTABLE, '?')}"`;
}

/**
 * An RFC 6750 bearer-token error, a value rendered only by `BearerTokenErrorFilter` (or the
 * gateway, through the same {@link BearerTokenError.toHeader} / {@link BearerTokenError.toBody}).
 *
 * - `invalid_token` → 401: the token is missing its signature, expired, for another audience, …
 * - `insufficient_scope` → 403: the token is fine but grants nothing for this request; `scope`
 *   lists scopes that would be enough (any one of them).
 * - no token at all → 401 without an error code (RFC 6750 §3.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export class BearerTokenError extends Error {
  override readonly name = 'BearerTokenError';

  private constructor(
    /** HTTP status: 401 or 403. */
    readonly status: 401 | 403,
    /** RFC 6750 error code; `undefined` when the request carried no token at all. */
    readonly error: BearerErrorCode | undefined,
    /** Human-readable text for `error_description` (no secrets, no internals). */
    readonly description: string,
    /** Space-separated scopes, any one of which would allow the request (403 only). */
    readonly scope?: string,
  ) {
    super(description);
  }

  /** The request carried no bearer token (RFC 6750 §3.1: no error code). */
  static missingToken(): BearerTokenError {
    return new BearerTokenError(401, undefined, 'a bearer access token is required');
  }

  /** The token is malformed, expired, revoked, for another audience or fails verification. */
  static invalidToken(description: string): BearerTokenError {
    return new BearerTokenError(401, 'invalid_token', description);
  }

  /** The token is valid but its scopes do not allow the request. */
  static insufficientScope(scope: string | undefined, description?: string): BearerTokenError {
    const text = description ?? 'the access token does not grant the scope this request needs';
    return new BearerTokenError(403, 'insufficient_scope', text, scope || undefined);
  }

  /** The `WWW-Authenticate` header value for this error. */
  toHeader(realm: string): string {
    const params = [`realm=${quote(realm)}`];
    if (this.error !== undefined) {
      params.push(`error=${quote(this.error)}`, `error_description=${quote(this.description)}`);
      if (this.scope !== undefined) params.push(`scope=${quote(this.scope)}`);
    }
    return `Bearer ${params.join(', ')}`;
  }

  /** The JSON body: `{ error, error_description }` (no `error` when no token was sent). */
  toBody(): { error?: BearerErrorCode; error_description: string; scope?: string } {
    return {
      ...(this.error === undefined ? {} : { error: this.error }),
      error_description: this.description,
      ...(this.scope === undefined ? {} : { scope: this.scope }),
    };
  }
}
