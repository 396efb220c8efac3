import type { KoaContextWithOIDC } from 'oidc-provider';
import { claimedClientId, hookedEndpoints } from './client-identity.reader.js';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe(claimedClientId.name, () => {
  it.each([
    [
      'Basic user',
      undefined,
      `Basic ${Buffer.from('my%20app:secret').toString('base64')}`,
      'my app',
    ],
    ['client_id', 'client_id=app-2', undefined, 'app-2'],
    [
      'assertion sub',
      `client_assertion=${b64({ alg: 'none' })}.${b64({ sub: 'app-3' })}.x`,
      undefined,
      'app-3',
    ],
    ['nothing', 'grant_type=client_credentials', undefined, undefined],
    ['a malformed assertion', 'client_assertion=garbage', undefined, undefined],
    ['a malformed Basic header', undefined, 'Basic %%%', undefined],
    [
      'bad percent-encoding in Basic',
      undefined,
      `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`,
      undefined,
    ],
  ])('%s', (_name, form, authorization, expected) => {
    const params = form === undefined ? undefined : new URLSearchParams(form);
    expect(claimedClientId(params, authorization)).toBe(expected);
  });
});

describe(hookedEndpoints.name, () => {
  const sut = hookedEndpoints('/smart/auth');
  const ctx = (method: string, path: string) => ({ method, path }) as KoaContextWithOIDC;

  it.each([
    ['POST', '/smart/auth/token', 'token'],
    ['POST', '/smart/auth/par', 'par'],
    ['GET', '/smart/auth/token', undefined],
    ['POST', '/smart/auth/token/', undefined],
    ['POST', '/auth/token', undefined],
    ['POST', '/smart/auth/introspect', undefined],
  ])('%s %s is %s', (method, path, expected) => {
    expect(sut(ctx(method, path))).toBe(expected);
  });
});
