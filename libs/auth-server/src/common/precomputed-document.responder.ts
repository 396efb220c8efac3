import type { IncomingMessage, ServerResponse } from 'node:http';
import { ifNoneMatchHits, strongEntityTag } from './entity-tag.rules.js';

/** A document answered from bytes computed once: the body, its strong ETag, its fixed headers. */
export interface PrecomputedDocument {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
  readonly cacheControl: string | undefined;
}

/** Serialises a document once: its bytes and the strong ETag of those bytes. */
export function precomputeDocument(
  body: string | Buffer,
  contentType: string,
  cacheControl?: string,
): PrecomputedDocument {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { body: bytes, etag: strongEntityTag(bytes), contentType, cacheControl };
}

/**
 * Whether a request for `document` is answered with 304: its `If-None-Match` matches the ETag.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13.1.2
 */
export const isNotModified = (document: PrecomputedDocument, ifNoneMatch: string | undefined) =>
  ifNoneMatchHits(ifNoneMatch, document.etag);

/**
 * Answers a GET or HEAD with `document`: 304 without a body when `If-None-Match` matches, else 200
 * with the bytes (none for HEAD). Both carry the ETag and the Cache-Control a 200 carries (RFC 9110
 * §15.4.5); only the 200 carries Content-Type and Content-Length. Headers set before (security,
 * CORS, request id) stay.
 */
export function sendDocument(
  document: PrecomputedDocument,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  res.setHeader('ETag', document.etag);
  if (document.cacheControl) res.setHeader('Cache-Control', document.cacheControl);
  if (isNotModified(document, req.headers['if-none-match'])) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', document.contentType);
  res.setHeader('Content-Length', document.body.length);
  res.end(req.method === 'HEAD' ? undefined : document.body);
}
