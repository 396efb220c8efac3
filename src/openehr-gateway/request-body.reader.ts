import { isJsonContentType } from '@smart-openehr/resource-server';
import type { Request } from 'express';
import { OpenEhrGatewayError } from './openehr-gateway.error.js';

function flatForm(body: unknown): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item));
  }
  return form;
}

/**
 * The body a body parser of the host app has already consumed, as bytes to forward; `undefined`
 * when the stream is still unread. Prefers Nest's `rawBody` (app created with `{ rawBody: true }`:
 * byte-exact); otherwise re-serialises the parsed JSON (or form), which may change whitespace and
 * number formatting.
 */
export function consumedBody(request: Request): Buffer | undefined {
  const parsed = (request as { _body?: unknown })._body === true || request.readableEnded;
  if (!parsed) return undefined;
  const raw = (request as { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(raw)) return raw;
  const body: unknown = request.body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  if (body === undefined) return Buffer.alloc(0);
  if (isJsonContentType(request.headers['content-type'])) return Buffer.from(JSON.stringify(body));
  return Buffer.from(flatForm(body).toString());
}

/**
 * Reads the whole request body, at most `limit` bytes.
 *
 * @throws OpenEhrGatewayError 413 when the body (declared or actual) is larger.
 */
export async function readBody(request: Request, limit: number): Promise<Buffer> {
  if (Number(request.headers['content-length'] ?? 0) > limit)
    throw OpenEhrGatewayError.payloadTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw OpenEhrGatewayError.payloadTooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body as JSON, or `undefined` when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
