import type { PageErrorKey } from '../pages/page-messages.types.js';
import { PAGE_MESSAGES_EN } from '../pages/page-messages.en.js';
import { OAuthError, showOnPage } from './oauth.error.js';

/** The `error` code a refused page carries, by its status. */
const PAGE_CODES: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'access_denied',
  403: 'access_denied',
  404: 'not_found',
  500: 'server_error',
  503: 'temporarily_unavailable',
};

/**
 * An error meant for a person at a browser (interaction and account pages): the page shows the
 * title and message of `key` in the page's language (the description, for logs, is the English
 * message); the code follows the status; `headers` go with the answer (`Retry-After`). Render it
 * with `renderPage`.
 */
export function pageError(status: number, key: PageErrorKey, headers: Record<string, string> = {}) {
  const description = PAGE_MESSAGES_EN.errors[key].message;
  const code = PAGE_CODES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request');
  const err = new OAuthError(code, description, status, headers);
  return showOnPage(err, (m) => m.errors[key]);
}
