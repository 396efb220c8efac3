import { OAuthError } from './oauth.error.js';

/** The `error` code a refused page carries, by its status. */
const PAGE_CODES: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'access_denied',
  403: 'access_denied',
  503: 'temporarily_unavailable',
};

/**
 * An error meant for a person at a browser (interaction and account pages): the page shows
 * `title` and `message`; the code follows the status. Render it with `renderPage`.
 */
export function pageError(status: 400 | 401 | 403 | 503, title: string, message: string) {
  return new OAuthError(PAGE_CODES[status], message, status).shownOnPage(title, message);
}
