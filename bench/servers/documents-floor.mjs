// S6 floor: a bare node:http server answering GET with the bytes and headers the product server
// answered for the same path (captured by the runner just before; see runS6 in bench/run.mjs).
// Per request it only looks the path up and writes the stored answer, plus a fresh X-Request-Id
// when the product sent one (the product makes one per request). Anything else: 404.
// Config: env BENCH_SERVER_CONFIG = { documents: [{ path, status, headers, body (base64) }] }, PORT.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG);
const port = Number(process.env.PORT);

const byPath = new Map(
  config.documents.map(({ path, status, headers, body }) => {
    const requestId = 'x-request-id' in headers;
    const fixed = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'x-request-id'));
    return [path, { status, headers: fixed, body: Buffer.from(body, 'base64'), requestId }];
  }),
);

createServer((req, res) => {
  const doc = req.method === 'GET' ? byPath.get(req.url) : undefined;
  if (!doc) {
    res.writeHead(404);
    res.end();
    return;
  }
  if (doc.requestId) res.setHeader('x-request-id', randomUUID());
  res.writeHead(doc.status, doc.headers);
  res.end(doc.body);
}).listen(port, '127.0.0.1');
