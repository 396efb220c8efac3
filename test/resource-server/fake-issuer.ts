import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

export const INTROSPECTION_CLIENT = {
  clientId: 'openehr-gateway',
  clientSecret: 's3cret:with/odd chars',
};

/** A fake authorization server: discovery, JWKS and RFC 7662 introspection, counting calls. */
export interface FakeIssuer {
  issuer: string;
  counts: { discovery: number; jwks: number; introspection: number };
  /** Public keys served at the JWKS URL; push to rotate. */
  keys: JWK[];
  /** Introspection answers by token (unknown tokens: `{ active: false }`). */
  introspection: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString()));
    request.on('error', reject);
  });
}

export async function startFakeIssuer(): Promise<FakeIssuer> {
  const state = {
    issuer: '',
    counts: { discovery: 0, jwks: 0, introspection: 0 },
    keys: [] as JWK[],
    introspection: new Map<string, Record<string, unknown>>(),
  };
  /** RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic. */
  const authenticated = (header: string | undefined) => {
    const decoded = Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString();
    const [id = '', secret = ''] = decoded
      .split(':')
      .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    return (
      header?.startsWith('Basic ') === true &&
      id === INTROSPECTION_CLIENT.clientId &&
      secret === INTROSPECTION_CLIENT.clientSecret
    );
  };
  const server: Server = createServer((request, response) => {
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    void (async () => {
      if (request.url === '/.well-known/openid-configuration') {
        state.counts.discovery += 1;
        return json(200, {
          issuer: state.issuer,
          jwks_uri: `${state.issuer}/jwks`,
          introspection_endpoint: `${state.issuer}/introspect`,
        });
      }
      if (request.url === '/jwks') {
        state.counts.jwks += 1;
        return json(200, { keys: state.keys });
      }
      if (request.url === '/introspect' && request.method === 'POST') {
        state.counts.introspection += 1;
        if (!authenticated(request.headers.authorization))
          return json(401, { error: 'invalid_client' });
        const token = new URLSearchParams(await readAll(request)).get('token') ?? '';
        return json(200, state.introspection.get(token) ?? { active: false });
      }
      return json(404, { error: 'not_found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
