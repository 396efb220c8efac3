// Baseline (a), "the floor": a bare node:http server that, per token request, verifies the ES384
// client assertion from the form body and signs one ES256 JWT access token (jose), without any
// framework, storage or replay check. Config: env BENCH_SERVER_CONFIG (JSON), PORT.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import { generateKeyPair } from 'jose';

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG);
const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const clientKey = await importJWK(config.clientPublicJwk, 'ES384');
const { privateKey } = await generateKeyPair('ES256');

async function handle(req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const assertion = params.get('client_assertion');
  try {
    const { payload } = await jwtVerify(assertion ?? '', clientKey, {
      algorithms: ['ES384'],
      audience: `${issuer}/auth/token`,
      clockTolerance: 5,
    });
    const now = Math.floor(Date.now() / 1000);
    const scope = params.get('scope') ?? '';
    const accessToken = await new SignJWT({ scope, client_id: payload.sub })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'floor' })
      .setJti(randomUUID())
      .setSubject(payload.sub)
      .setIssuer(issuer)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    const body = JSON.stringify({
      access_token: accessToken,
      expires_in: 300,
      scope,
      token_type: 'Bearer',
    });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body);
  } catch (err) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'invalid_client', error_description: err.message }));
  }
}

createServer((req, res) => {
  handle(req, res).catch(() => {
    res.writeHead(500);
    res.end();
  });
}).listen(port, '127.0.0.1');
