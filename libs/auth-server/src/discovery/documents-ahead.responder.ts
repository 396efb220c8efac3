import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import {
  documentHeaders,
  isNotModified,
  reflectedOrigin,
  type PrecomputedDocument,
} from '../common/precomputed-document.responder.js';

/** A hook run on a request about to be answered ahead of the host's app (`beforeDocumentAnswer`). */
export type DocumentAnswerHook = (req: IncomingMessage, res: ServerResponse) => void;

/** The endpoint a document is timed and traced as. */
type DocumentEndpoint = 'discovery' | 'jwks';

/** One document answered ahead: its exact path, and its current bytes (none yet: full path). */
interface DocumentAhead {
  path: string;
  endpoint: DocumentEndpoint;
  current(): PrecomputedDocument | undefined;
}

/** What answering the documents ahead of the host's app needs from the auth server. */
export interface DocumentsAheadParts {
  documents: readonly DocumentAhead[];
  /** Whether the request is for the public URL's host (any other host takes the full path). */
  isCanonical(req: IncomingMessage): boolean;
  /** The security headers every answer to `req` carries (a fixed object per HTTPS or not). */
  securityHeaders(req: IncomingMessage): Readonly<Record<string, string>>;
  /** A start time for {@link answered}. */
  startTimer(): bigint;
  /** Times and traces an answer as the full path does. */
  answered(endpoint: DocumentEndpoint, req: IncomingMessage, status: number, started: bigint): void;
  beforeAnswer: DocumentAnswerHook | undefined;
}

/**
 * Answers GET and HEAD of exactly the documents' paths (no query) for the public URL's host: the
 * same bytes and headers as through the host's app (security headers and the document's own,
 * merged once per document into one object for a single `writeHead`), with the same metrics and
 * spans, only without the host's middleware. Returns false for every other request (and for a
 * document that has no bytes yet).
 */
export function documentsAheadResponder(
  parts: DocumentsAheadParts,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const byPath = new Map(parts.documents.map((d) => [d.path, d]));
  const merged = new WeakMap<PrecomputedDocument, Map<object, OutgoingHttpHeaders[]>>();
  /** The headers of a 200 (index 0) and a 304 (index 1) of `document` with `security`. */
  const headersOf = (document: PrecomputedDocument, security: Record<string, string>) => {
    let bySecurity = merged.get(document);
    if (!bySecurity) {
      bySecurity = new Map<object, OutgoingHttpHeaders[]>();
      merged.set(document, bySecurity);
    }
    let headers = bySecurity.get(security);
    if (!headers) {
      headers = [false, true].map((notModified) => ({
        ...security,
        ...documentHeaders(document, notModified),
      }));
      bySecurity.set(security, headers);
    }
    return headers;
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const ahead = byPath.get(req.url ?? '');
    if (ahead === undefined || !parts.isCanonical(req)) return false;
    const document = ahead.current();
    if (!document) return false;
    const started = parts.startTimer();
    parts.beforeAnswer?.(req, res);
    const notModified = isNotModified(document, req.headers['if-none-match']);
    let headers = headersOf(document, parts.securityHeaders(req))[notModified ? 1 : 0];
    const origin = reflectedOrigin(document, req);
    if (origin) headers = { ...headers, 'Access-Control-Allow-Origin': origin };
    res.writeHead(notModified ? 304 : 200, headers);
    res.end(notModified || req.method === 'HEAD' ? undefined : document.body);
    parts.answered(ahead.endpoint, req, res.statusCode, started);
    return true;
  };
}

/**
 * Puts `answer` in front of the server's request listeners (the host's Express app): a request it
 * answers never reaches them. Should `answer` throw, the request goes on to the host's app when
 * nothing was sent yet, and is cut off otherwise; `onError` hears of it either way.
 */
export function answerAhead(
  server: Server,
  answer: (req: IncomingMessage, res: ServerResponse) => boolean,
  onError: (err: unknown) => void,
): void {
  const hostListeners = server.listeners('request') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let answered: boolean;
    try {
      answered = answer(req, res);
    } catch (err) {
      onError(err);
      if (res.headersSent) return void res.destroy();
      answered = false;
    }
    if (!answered) for (const listener of hostListeners) listener.call(server, req, res);
  });
}
