import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineDocumentsCache } from './engine-documents.cache.js';

/** A response that records what was written. */
function fakeResponse(headers: Record<string, string> = {}) {
  const res = {
    statusCode: 0,
    headers: { ...headers } as Record<string, string | number>,
    body: undefined as Buffer | undefined,
    ended: false,
    getHeader: (name: string) => res.headers[name.toLowerCase()],
    setHeader: (name: string, value: string | number) => {
      res.headers[name.toLowerCase()] = value;
    },
    end: (body?: Buffer) => {
      res.body = body;
      res.ended = true;
    },
  };
  return res;
}

const request = (headers: Record<string, string> = {}, method = 'GET') =>
  ({ method, headers }) as unknown as IncomingMessage;

describe(EngineDocumentsCache.name, () => {
  const answer = {
    body: { keys: [{ kid: 'a', kty: 'EC' }] },
    contentType: 'application/jwk-set+json; charset=utf-8',
    cacheControl: undefined,
  };

  it('answers nothing before the engine has answered once', () => {
    const sut = new EngineDocumentsCache();
    const res = fakeResponse();
    expect(sut.answer('jwks', request(), res as unknown as ServerResponse)).toBe(false);
    expect(res.ended).toBe(false);
  });

  it('keeps the first answer as bytes and answers from them with the engine CORS headers', () => {
    const sut = new EngineDocumentsCache();
    const document = sut.remember('jwks', answer);
    expect(sut.remember('jwks', { ...answer, body: { keys: [] } })).toBe(document);
    expect(document.body.toString()).toBe(JSON.stringify(answer.body));
    const res = fakeResponse();
    const origin = { origin: 'https://app.example' };
    expect(sut.answer('jwks', request(origin), res as unknown as ServerResponse)).toBe(true);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(document.body);
    expect(res.headers).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': 'https://app.example',
      etag: document.etag,
      'content-type': answer.contentType,
      'content-length': document.body.length,
    });
  });

  it.each([
    ['Accept-Encoding', 'Accept-Encoding, Origin'],
    ['origin', 'origin'],
    ['*', '*'],
  ])('adds Origin to Vary: %s', (vary, expected) => {
    const sut = new EngineDocumentsCache();
    sut.remember('discovery', answer);
    const res = fakeResponse({ vary });
    sut.answer('discovery', request(), res as unknown as ServerResponse);
    expect(res.headers.vary).toBe(expected);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers 304 without a body on a matching If-None-Match', () => {
    const sut = new EngineDocumentsCache();
    const { etag } = sut.remember('jwks', answer);
    const res = fakeResponse();
    sut.answer('jwks', request({ 'if-none-match': `W/${etag}` }), res as unknown as ServerResponse);
    expect(res.statusCode).toBe(304);
    expect(res.body).toBeUndefined();
    expect(res.headers.etag).toBe(etag);
    expect(res.headers['content-type']).toBeUndefined();
  });
});
