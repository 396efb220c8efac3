import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ifNoneMatchHits, strongEntityTag } from './entity-tag.rules.js';

/**
 * The CORS of an open document: `any` answers `Access-Control-Allow-Origin: *`; `reflect` (the
 * engine's for its discovery document and JWKS) answers the request's `Origin`, else `*`, with
 * `Vary: Origin`.
 */
export type DocumentCors = 'any' | 'reflect';

/** A document answered from bytes computed once: the body, its strong ETag, its fixed headers. */
export interface PrecomputedDocument {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
  readonly cacheControl: string | undefined;
  readonly cors: DocumentCors;
}

/** Serialises a document once: its bytes and the strong ETag of those bytes. */
export function precomputeDocument(
  body: string | Buffer,
  headers: { contentType: string; cacheControl?: string; cors: DocumentCors },
): PrecomputedDocument {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const { contentType, cacheControl, cors } = headers;
  return { body: bytes, etag: strongEntityTag(bytes), contentType, cacheControl, cors };
}

/**
 * Whether a request for `document` is answered with 304: its `If-None-Match` matches the ETag.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13.1.2
 */
export const isNotModified = (document: PrecomputedDocument, ifNoneMatch: string | undefined) =>
  ifNoneMatchHits(ifNoneMatch, document.etag);

/**
 * The document's own headers on a 200 (`notModified` false) or a 304: both carry the ETag, the
 * Cache-Control a 200 carries (RFC 9110 §15.4.5) and the CORS headers with `*` for the origin;
 * only the 200 carries Content-Type and Content-Length.
 */
export function documentHeaders(
  document: PrecomputedDocument,
  notModified: boolean,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (document.cors === 'reflect') headers.Vary = 'Origin';
  headers['Access-Control-Allow-Origin'] = '*';
  headers.ETag = document.etag;
  if (document.cacheControl) headers['Cache-Control'] = document.cacheControl;
  if (!notModified) {
    headers['Content-Type'] = document.contentType;
    headers['Content-Length'] = document.body.length;
  }
  return headers;
}

/** The origin a `reflect` document answers `req` with, when not `*`. */
export const reflectedOrigin = (document: PrecomputedDocument, req: IncomingMessage) =>
  (document.cors === 'reflect' && req.headers.origin) || undefined;

/**
 * Answers a GET or HEAD with `document`: 304 without a body when `If-None-Match` matches, else 200
 * with the bytes (none for HEAD), with {@link documentHeaders}. Headers set before (security, a
 * request id) stay; `Origin` joins a `Vary` set before.
 */
export function sendDocument(
  document: PrecomputedDocument,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const notModified = isNotModified(document, req.headers['if-none-match']);
  const { Vary: _vary, ...headers } = documentHeaders(document, notModified);
  if (document.cors === 'reflect') addVaryOrigin(res);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value!);
  const origin = reflectedOrigin(document, req);
  if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
  res.statusCode = notModified ? 304 : 200;
  res.end(notModified || req.method === 'HEAD' ? undefined : document.body);
}

/** Adds `Origin` to the `Vary` header, as the engine's CORS middleware does. */
function addVaryOrigin(res: ServerResponse): void {
  const current = res.getHeader('Vary');
  if (current === undefined) return void res.setHeader('Vary', 'Origin');
  const fields = String(current)
    .split(',')
    .map((f) => f.trim().toLowerCase());
  if (!fields.includes('origin') && !fields.includes('*')) {
    res.setHeader('Vary', `${String(current)}, Origin`);
  }
}
