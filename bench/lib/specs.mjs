// Load specs of the scenarios (consumed by bench/lib/load-worker.mjs), shared by run.mjs and
// profile.mjs.
import { Buffer } from 'node:buffer';
import { SCOPE } from './product.mjs';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Spec builders for one run: `cfg` = { duration, warmup, connections }, `key` = client key. */
export function specBuilders(cfg, key) {
  const base = (name, url, extra = {}) => ({
    name,
    url,
    duration: cfg.duration,
    warmup: cfg.warmup,
    connections: cfg.connections,
    ...extra,
  });
  return {
    base,
    /** S1: client_credentials with a fresh ES384 client assertion per request. */
    assertionLoad: (name, url, clientIds, extra) =>
      base(name, url, {
        request: { method: 'POST', path: '/auth/token', headers: FORM },
        assertions: { key, clientIds, aud: `${url}/auth/token`, scope: SCOPE },
        expect: { bodyIncludes: '"access_token"' },
        ...extra,
      }),
    /** S2: client_credentials with client_secret_basic. */
    basicLoad: (name, url, clientId, secret, extra) =>
      base(name, url, {
        request: {
          method: 'POST',
          path: '/auth/token',
          headers: {
            ...FORM,
            authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
          },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString(),
        },
        expect: { bodyIncludes: '"access_token"' },
        ...extra,
      }),
    /** S5: introspection of `token`, the caller authenticated with an `introspect` bearer. */
    introspectLoad: (name, url, token, bearer, extra) =>
      base(name, url, {
        request: {
          method: 'POST',
          path: '/auth/introspect',
          headers: { ...FORM, authorization: `Bearer ${bearer}` },
          body: new URLSearchParams({ token }).toString(),
        },
        expect: { bodyIncludes: '"active":true' },
        ...extra,
      }),
    getLoad: (name, url, path, bodyIncludes, headers = {}, extra) =>
      base(name, url, {
        request: { method: 'GET', path, headers },
        expect: { bodyIncludes },
        ...extra,
      }),
  };
}
