import type { ServerResponse } from 'node:http';
import { HttpException } from '@nestjs/common';
import { ClientMetadataError } from './client-metadata.error.js';
import { messagePage, type PageView } from '../pages/page.layout.js';
import { pageHeaders, requestView, type PageSettings } from '../pages/page.headers.js';
import { DatabaseUnavailableError } from './database-unavailable.error.js';
import type { OAuthErrorCode } from './oauth-error.codes.js';
import { OAuthError, pageTextOf } from './oauth.error.js';

/**
 * The one place where errors become answers. Everything that answers with an error builds an
 * `OAuthError` (or lets `toOAuthError` map what was thrown) and writes it with `renderJson`,
 * `renderPage`, or, where no `ServerResponse` is at hand (Koa), `jsonAnswer`/`pageAnswer` and
 * `writeToContext`. Internal detail never reaches the wire: only an `OAuthError`'s own safe text
 * does; anything else is a generic `server_error`.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-5.2
 */

/** How `HttpException`s below 500 get their `error` code. */
export interface HttpErrorCodes {
  /** The code per status; a status not listed is `invalid_request`. */
  readonly byStatus: Readonly<Partial<Record<number, OAuthErrorCode>>>;
  /** Whether a body `{ error?, error_description }` names the code and text itself. */
  readonly namedInBody: boolean;
}

/** OAuth endpoints (introspect, revoke, revocation feed): every client error is `invalid_request`. */
export const OAUTH_HTTP_CODES: HttpErrorCodes = { byStatus: {}, namedInBody: false };

/** The admin API (and registration): codes named after the status, unless the body names one. */
export const ADMIN_HTTP_CODES: HttpErrorCodes = {
  byStatus: {
    400: 'invalid_request',
    401: 'invalid_token',
    403: 'access_denied',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'conflict',
    413: 'request_too_large',
    415: 'unsupported_media_type',
    429: 'too_many_requests',
  },
  namedInBody: true,
};

export interface ToOAuthErrorOptions {
  codes?: HttpErrorCodes;
  /** Told about anything that became a generic `server_error` (for the log, never the wire). */
  onUnexpected?: (exception: unknown) => void;
}

/** Maps anything thrown to the error to render. */
export function toOAuthError(exception: unknown, options: ToOAuthErrorOptions = {}): OAuthError {
  if (exception instanceof OAuthError) {
    // Its text is safe by contract; of the server errors only "try again later" is worth telling.
    if (exception.status < 500 || exception.error === 'temporarily_unavailable') return exception;
  } else if (exception instanceof DatabaseUnavailableError) {
    return OAuthError.temporarilyUnavailable();
  } else if (exception instanceof ClientMetadataError) {
    return OAuthError.invalidClientMetadata(exception.description);
  } else if (exception instanceof HttpException && exception.getStatus() < 500) {
    return fromHttpException(exception, options.codes ?? OAUTH_HTTP_CODES);
  }
  options.onUnexpected?.(exception);
  return OAuthError.serverError();
}

function fromHttpException(exception: HttpException, codes: HttpErrorCodes): OAuthError {
  const status = exception.getStatus();
  const body = exception.getResponse() as
    string | { error?: unknown; error_description?: unknown; message?: unknown };
  const code = codes.byStatus[status] ?? 'invalid_request';
  if (codes.namedInBody && typeof body === 'object' && typeof body.error_description === 'string') {
    const named = typeof body.error === 'string' ? body.error : code;
    return new OAuthError(named, body.error_description, status);
  }
  const message = typeof body === 'string' ? body : body.message;
  const description = Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : exception.message;
  return new OAuthError(code, description, status);
}

/** An answer ready to write: status, headers and body. */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The JSON body: `{ error, error_description }`. */
function errorBody(err: OAuthError): { error: string; error_description: string } {
  return { error: err.error, error_description: err.description };
}

/** `{ error, error_description }` JSON, never cached, with the error's own headers. */
export function jsonAnswer(err: OAuthError): ErrorAnswer {
  return {
    status: err.status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...err.headers,
    },
    body: JSON.stringify(errorBody(err)),
  };
}

/**
 * The error as an HTML page (the interaction pages' frame and headers) in the view's language;
 * an error not marked `shownOnPage` shows the generic text.
 */
export function pageAnswer(err: OAuthError, settings: PageSettings, view: PageView): ErrorAnswer {
  const page = pageTextOf(err);
  const text = page ? page.text(view.messages) : view.messages.errors.generic;
  return {
    status: err.status,
    headers: { ...pageHeaders(settings), 'Content-Language': view.locale, ...err.headers },
    body: messagePage(view, text.title, text.message, page?.showCode ? err.error : undefined),
  };
}

/** Writes an answer on a node (or Express) response. */
function writeAnswer(res: ServerResponse, answer: ErrorAnswer): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}

/** The parts of a Koa context an answer is written to (the engine's middleware and hooks). */
export interface AnswerContext {
  status: number;
  set(headers: Record<string, string>): void;
  body: unknown;
}

/** Writes an answer on a Koa context. */
export function writeToContext(ctx: AnswerContext, answer: ErrorAnswer): void {
  ctx.status = answer.status;
  ctx.set(answer.headers);
  ctx.body = answer.body;
}

/** Renders the error as JSON on a node or Express response. */
export function renderJson(res: ServerResponse, err: OAuthError): void {
  writeAnswer(res, jsonAnswer(err));
}

/**
 * Renders the error as an HTML page on a node or Express response, in the language of
 * `uiLocales` (an interaction's `ui_locales`, when known), else of the request's `Accept-Language`.
 */
export function renderPage(
  res: ServerResponse,
  err: OAuthError,
  settings: PageSettings,
  uiLocales?: unknown,
): void {
  writeAnswer(res, pageAnswer(err, settings, requestView(settings, res.req, uiLocales)));
}
