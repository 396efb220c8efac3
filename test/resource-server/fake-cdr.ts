import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CDR_BASE_PATH = '/ehrbase/rest/openehr/v1';
/** Size of the streamed test response (`GET …/definition/template/adl1.4/Big.v1`). */
export const BIG_RESPONSE_BYTES = 1024 * 1024;
/** User-Agent of the gateway's template lookups (see UpstreamCompositionTemplateResolver). */
export const LOOKUP_USER_AGENT = 'smart-openehr-gateway (composition template lookup)';

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** True for the gateway's own template lookups (not a forwarded app request). */
export const isLookup = (request: RecordedRequest) =>
  request.headers['user-agent'] === LOOKUP_USER_AGENT;

/** A fake openEHR CDR that records every request. */
export interface FakeCdr {
  /** Base URL of its openEHR REST API. */
  url: string;
  requests: RecordedRequest[];
  /** Stored compositions: uid (or versioned object uid) → template id. */
  compositions: Map<string, string>;
  close(): Promise<void>;
}

/** Deterministic pseudo-random bytes. */
export function bigPayload(size = BIG_RESPONSE_BYTES): Buffer {
  const out = Buffer.alloc(size);
  let seed = 42;
  for (let i = 0; i < size; i += 1) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = seed >> 16;
  }
  return out;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export async function startFakeCdr(): Promise<FakeCdr> {
  const requests: RecordedRequest[] = [];
  const compositions = new Map<string, string>();
  let origin = '';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = request.url ?? '';
      requests.push({
        method: request.method ?? '',
        url,
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      const path = decodeURIComponent(url.split('?')[0] ?? '').slice(CDR_BASE_PATH.length);
      const composition = /^\/ehr\/[^/]+\/composition\/(.+)$/.exec(path);
      if (request.method === 'GET' && composition !== null) {
        const templateId = compositions.get(composition[1] ?? '');
        if (templateId === undefined) return response.writeHead(404).end();
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(
          JSON.stringify({
            _type: 'COMPOSITION',
            archetype_details: { template_id: { value: templateId } },
          }),
        );
      }
      if (request.method === 'GET' && path === '/definition/template/adl1.4/Big.v1') {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        const payload = bigPayload();
        for (let i = 0; i < payload.length; i += 64 * 1024)
          response.write(payload.subarray(i, i + 64 * 1024));
        return response.end();
      }
      if (request.method === 'POST' && path === '/ehr') {
        response.writeHead(201, {
          location: `${origin}${CDR_BASE_PATH}/ehr/new-ehr-id`,
          'set-cookie': 'JSESSIONID=cdr-session',
          etag: '"new-ehr-id"',
          'content-type': 'application/json',
        });
        return response.end('{"ehr_id":{"value":"new-ehr-id"}}');
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ method: request.method, path }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}${CDR_BASE_PATH}`,
    requests,
    compositions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens (for the 502 test). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${CDR_BASE_PATH}`;
}
