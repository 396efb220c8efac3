// Baseline (b): bare node-oidc-provider (from node_modules) with its in-memory adapter and the
// grant configuration of libs/auth-server/src/provider/oidc-configuration.builder.ts: client
// credentials, private_key_jwt (ES384) and client_secret_basic, resource indicator → JWT access
// token signed ES256. Clients are static (the product loads them from its registry).
// Config: env BENCH_SERVER_CONFIG (JSON: clientPublicJwk, keyClientId, basicClientId, basicSecret,
// scope), PORT.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG);
const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

const jwk = (type, options, alg) => ({
  ...generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }),
  kid: `${alg.toLowerCase()}-bare`,
  alg,
  use: 'sig',
});
const keys = [
  jwk('rsa', { modulusLength: 2048 }, 'RS256'),
  jwk('ec', { namedCurve: 'P-256' }, 'ES256'),
  jwk('ec', { namedCurve: 'P-384' }, 'ES384'),
];

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.keyClientId,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES384',
      jwks: { keys: [config.clientPublicJwk] },
    },
    {
      client_id: config.basicClientId,
      client_secret: config.basicSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys },
  cookies: { keys: ['bench-cookie-secret-0123456789abcdef'] },
  routes: { token: '/auth/token', jwks: '/auth/jwks' },
  responseTypes: ['code'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
  enabledJWA: { clientAuthSigningAlgValues: ['RS384', 'ES384', 'RS256', 'ES256', 'PS256'] },
  scopes: ['openid', 'offline_access'],
  clockTolerance: 5,
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },
    revocation: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => issuer,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== issuer) throw new errors.InvalidTarget();
        return {
          scope: config.scope,
          audience: issuer,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
  ttl: { ClientCredentials: 300 },
});

createServer(provider.callback()).listen(port, '127.0.0.1');
