import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  precomputeDocument,
  sendDocument,
  type PrecomputedDocument,
} from '../common/precomputed-document.responder.js';

/** The engine routes whose answers are kept as bytes. */
export type EngineDocumentRoute = 'discovery' | 'jwks';

/** The engine's answer to serialise: its JSON body and the headers it set. */
export interface EngineAnswer {
  body: object;
  contentType: string;
  cacheControl: string | undefined;
}

/**
 * The openid-configuration and the JWKS of one engine instance as bytes: serialised once from
 * the engine's own first answer (so they are exactly what the engine serves), then answered from
 * them. A new engine (keys changed) gets a new, empty cache (`ProviderHost.install`).
 */
export class EngineDocumentsCache {
  private readonly documents = new Map<EngineDocumentRoute, PrecomputedDocument>();

  /** The document of `route`, serialising `answer` the first time. */
  remember(route: EngineDocumentRoute, answer: EngineAnswer): PrecomputedDocument {
    let document = this.documents.get(route);
    if (!document) {
      document = precomputeDocument(JSON.stringify(answer.body), {
        contentType: answer.contentType,
        cacheControl: answer.cacheControl,
        cors: 'reflect',
      });
      this.documents.set(route, document);
    }
    return document;
  }

  /** The document of `route`; undefined while the engine has not answered it. */
  get(route: EngineDocumentRoute): PrecomputedDocument | undefined {
    return this.documents.get(route);
  }

  /**
   * Answers a GET or HEAD of `route` from the bytes, with the engine's CORS for these open
   * endpoints (`Vary: Origin`, any origin allowed); false when the engine has not answered it yet.
   */
  answer(route: EngineDocumentRoute, req: IncomingMessage, res: ServerResponse): boolean {
    const document = this.documents.get(route);
    if (!document) return false;
    sendDocument(document, req, res);
    return true;
  }
}
