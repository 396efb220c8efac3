// A small round-robin HTTP proxy for the scale-out run: each request goes to the next upstream
// (BENCH_UPSTREAMS, comma-separated origins), headers (Host included) passed as they came, over
// keep-alive connections. No retries: an upstream's failure is the client's 502.
import { Agent, createServer, request } from 'node:http';

const upstreams = (process.env.BENCH_UPSTREAMS ?? '')
  .split(',')
  .filter(Boolean)
  .map((u) => new URL(u));
if (upstreams.length === 0) throw new Error('BENCH_UPSTREAMS is empty');
// Idle upstream sockets are dropped after 4 s, before Node's default keepAliveTimeout (5 s) closes
// them on the server's side: a request sent on a socket the server is closing would fail (502).
const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000, scheduling: 'lifo' });
let next = 0;

createServer((req, res) => {
  const target = upstreams[next];
  next = (next + 1) % upstreams.length;
  const forward = request(
    {
      agent,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', (err) => {
    process.stderr.write(`upstream ${target.host}: ${err.code ?? err.message}\n`);
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  req.pipe(forward);
}).listen(Number(process.env.PORT), '127.0.0.1');
