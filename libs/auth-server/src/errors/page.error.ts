import type { PageErrorKey } from '../pages/page-messages.types.js';
import { PAGE_MESSAGES_EN } from '../pages/page-messages.en.js';
import { OAuthError, showOnPage } from './oauth.error.js';

/** The `error` code a refused page carries, by its status. */
const PAGE_CODES: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'access_denied',
  403: 'access_denied',
  404: 'not_found',
  503: 'temporarily_unavailable',
};

/**
 * An error meant for a person at a browser (interaction and account pages): the page shows the
 * title and message of `key` in the page's language (the description, for logs, is the English
 * message); the code follows the status. Render it with `renderPage`.
 */
export function pageError(status: 400 | 401 | 403 | 404 | 503, key: PageErrorKey) {
  const description = PAGE_MESSAGES_EN.errors[key].message;
  const err = new OAuthError(PAGE_CODES[status], description, status);
  return showOnPage(err, (m) => m.errors[key]);
}
