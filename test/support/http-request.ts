import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** A whole answer: status, headers, body as text. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP/1.1 request to `origin`'s socket with exactly these headers and request target, any
 * `Host` or an absolute-form target included (fetch sets neither).
 */
export function httpAnswer(
  origin: string,
  target: string,
  headers: Record<string, string>,
  init: { method?: string; body?: string } = {},
): Promise<HttpAnswer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port: Number(port), path: target, method: init.method ?? 'GET', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
