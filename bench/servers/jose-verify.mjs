// Scenario 7 baseline, "bare jose verify loop": a bare node:http server that per request takes the
// bearer token, verifies it with jose against a local JWKS (alg, typ, iss, aud, exp) and checks the
// scope, then answers a small JSON document. Config: env BENCH_SERVER_CONFIG (JSON: issuer,
// audience, jwks), PORT.
import { createServer } from 'node:http';
import { createLocalJWKSet, jwtVerify } from 'jose';

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG);
const port = Number(process.env.PORT);
const keySet = createLocalJWKSet(config.jwks);

async function handle(req, res) {
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('Bearer ')) {
    res.writeHead(401, { 'www-authenticate': 'Bearer' });
    return res.end();
  }
  try {
    const { payload } = await jwtVerify(auth.slice(7), keySet, {
      issuer: config.issuer,
      audience: config.audience,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      clockTolerance: 5,
    });
    const scopes = String(payload.scope ?? '').split(' ');
    if (!scopes.some((s) => /^(system|user|patient)\/composition-.*\.c?ru?d?s?$/.test(s))) {
      res.writeHead(403);
      return res.end();
    }
    const [, , , , , ehrId, , uid] = (req.url ?? '').split('/');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ehr_id: ehrId, uid, client_id: payload.client_id }));
  } catch {
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
    res.end();
  }
}

createServer((req, res) => {
  handle(req, res).catch(() => {
    res.writeHead(500);
    res.end();
  });
}).listen(port, '127.0.0.1');
