import { PAGE_MESSAGES_EN } from '../pages/page-messages.en.js';
import type { PageMessages, PageText } from '../pages/page-messages.types.js';
import { SERVER_ERROR_DESCRIPTION } from './oauth-error.codes.js';

/** What an error page shows: its title and message in the page's language, and the code or not. */
export interface ErrorPageText {
  text: (messages: PageMessages) => PageText;
  showCode: boolean;
}

/** The page texts of errors fit for a page (kept off the public class: the catalogue is internal). */
const PAGE_TEXTS = new WeakMap<OAuthError, ErrorPageText>();

/** Marks `err` as fit for an HTML page with its text from the page's catalogue. */
export function showOnPage<E extends OAuthError>(
  err: E,
  text: (messages: PageMessages) => PageText,
  showCode = false,
): E {
  PAGE_TEXTS.set(err, { text, showCode });
  return err;
}

/** The page text of an error, in every language; undefined when not fit for a page. */
export const pageTextOf = (err: OAuthError): ErrorPageText | undefined => PAGE_TEXTS.get(err);

/**
 * A protocol error as a value, from where it is raised to the one renderer
 * (`errors/error.renderer.ts`), which writes it as `{ error, error_description }` JSON with
 * `Cache-Control: no-store` and `headers`, or as an HTML page.
 *
 * - `error`: the code from RFC 6749/6750/7009/7591 or the admin API (`OAuthErrorCode`).
 * - `description`: safe text only: it goes on the wire as it is. Internal detail stays in logs.
 * - `headers`: `WWW-Authenticate`, `Retry-After`...
 * - `page`: set when the error may be shown to a person on an HTML page, with the text to show
 *   (from the page catalogue, so in the page's language); otherwise a page shows a generic text.
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

  /** The (English) text for an HTML page, when this error may be shown on one. */
  get page(): { title: string; message: string; showCode: boolean } | undefined {
    const page = PAGE_TEXTS.get(this);
    return page && { ...page.text(PAGE_MESSAGES_EN), showCode: page.showCode };
  }

  /**
   * Marks the error as fit for an HTML page, with a title and a message for a person
   * (the description by default), shown as they are in every page language; `showCode` also
   * shows the `error` code. Returns the error.
   */
  shownOnPage(title: string, message = this.description, showCode = false): this {
    return showOnPage(this, () => ({ title, message }), showCode);
  }

  /** RFC 6749 §5.2 `invalid_request`, 400. */
  static invalidRequest(description: string): OAuthError {
    return new OAuthError('invalid_request', description);
  }
  /** RFC 6749 §5.2 `invalid_client`, 401 with a challenge for the accepted schemes. */
  static invalidClient(description: string, challenge = 'Basic realm="smart"'): OAuthError {
    return new OAuthError('invalid_client', description, 401, { 'WWW-Authenticate': challenge });
  }
  /** RFC 7591 §3.2.2 `invalid_client_metadata`, 400. */
  static invalidClientMetadata(description: string): OAuthError {
    return new OAuthError('invalid_client_metadata', description);
  }
  /** RFC 6750 §3.1 `invalid_token`, 401. */
  static invalidToken(description: string): OAuthError {
    return new OAuthError('invalid_token', description, 401, { 'WWW-Authenticate': 'Bearer' });
  }
  /** RFC 6750 §3.1 `insufficient_scope`, 403. */
  static insufficientScope(scope: string): OAuthError {
    return new OAuthError('insufficient_scope', `requires scope ${scope}`, 403);
  }
  /** Admin API `not_found`, 404. */
  static notFound(description: string): OAuthError {
    return new OAuthError('not_found', description, 404);
  }
  /** RFC 6749 §4.1.2.1 `temporarily_unavailable`, 503: the database cannot be reached. */
  static temporarilyUnavailable(): OAuthError {
    return new OAuthError(
      'temporarily_unavailable',
      'the authorization server is temporarily unavailable',
      503,
      { 'Retry-After': '5' },
    );
  }
  /**
   * A rate limit: 429 `temporarily_unavailable` (RFC 6749 §4.1.2.1) with `Retry-After`
   * (RFC 6585 §4); fit for a page.
   */
  static rateLimited(retryAfterSeconds: number): OAuthError {
    const err = new OAuthError(
      'temporarily_unavailable',
      `too many requests; retry after ${retryAfterSeconds} seconds`,
      429,
      { 'Retry-After': String(retryAfterSeconds) },
    );
    return showOnPage(err, (m) => m.errors.rateLimited(retryAfterSeconds));
  }
  /** 421 Misdirected Request (RFC 9110 §15.5.20) as `invalid_request`: a host we do not serve. */
  static misdirectedRequest(description: string): OAuthError {
    return new OAuthError('invalid_request', description, 421);
  }
  /** 413 `invalid_request`: the body is over the limit (the caller closes the connection). */
  static bodyTooLarge(): OAuthError {
    return new OAuthError('invalid_request', 'request body too large', 413);
  }
  /** 408 `invalid_request`: the body did not arrive in time. */
  static bodyTimeout(): OAuthError {
    return new OAuthError('invalid_request', 'request body not received in time', 408);
  }
  /** 400 `invalid_request`: the body ended early. */
  static bodyIncomplete(): OAuthError {
    return new OAuthError('invalid_request', 'request body incomplete', 400);
  }
  /** 500 `server_error` with the generic text; the detail belongs in the log. */
  static serverError(): OAuthError {
    return new OAuthError('server_error', SERVER_ERROR_DESCRIPTION, 500);
  }
}
