import type { KoaContextWithOIDC } from 'oidc-provider';
import { isNotModified } from '../../common/precomputed-document.responder.js';
import type { EngineDocumentsCache, EngineDocumentRoute } from '../engine-documents.cache.js';
import type { Next } from './engine-hook.types.js';

const DOCUMENT_ROUTES = new Set<string>(['discovery', 'jwks'] satisfies EngineDocumentRoute[]);

/**
 * The openid-configuration and the JWKS as bytes with a strong ETag: after the engine (and the
 * discovery hook) answered, the body is serialised once into the cache of this engine instance
 * (the engine host answers later requests from it without running the engine), and the answer
 * becomes those bytes with the ETag, or 304 when `If-None-Match` matches.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13.1.2
 */
export function engineDocumentsHook(cache: EngineDocumentsCache) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    await next();
    const route = ctx.oidc?.route;
    if (!route || !DOCUMENT_ROUTES.has(route) || ctx.status !== 200) return;
    const body: unknown = ctx.body;
    if (body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return;
    const document = cache.remember(route as EngineDocumentRoute, {
      body,
      contentType: ctx.response.get('Content-Type'),
      cacheControl: ctx.response.get('Cache-Control') || undefined,
    });
    ctx.set('ETag', document.etag);
    if (isNotModified(document, ctx.get('If-None-Match') || undefined)) {
      ctx.status = 304;
      return;
    }
    ctx.body = document.body;
  };
}
