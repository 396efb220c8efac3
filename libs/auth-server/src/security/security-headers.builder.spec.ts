import type { IncomingMessage } from 'node:http';
import { requestIsSecure } from './security-headers.builder.js';

const request = (encrypted: boolean, forwardedProto?: string) =>
  ({
    socket: { encrypted },
    headers: forwardedProto === undefined ? {} : { 'x-forwarded-proto': forwardedProto },
  }) as unknown as IncomingMessage;

describe(requestIsSecure.name, () => {
  it.each([
    // socket TLS, X-Forwarded-Proto, trust proxy, secure
    [true, undefined, false, true],
    [false, undefined, false, false],
    [false, 'https', false, false],
    [false, 'https', true, true],
    [false, ' https , http', true, true],
    [false, 'http, https', true, false],
    [true, 'http', true, false],
    [true, undefined, true, true],
    [false, '', true, false],
  ])('TLS %s, X-Forwarded-Proto %p, trust proxy %s: %s', (tls, proto, trust, expected) => {
    expect(requestIsSecure(request(tls, proto), trust)).toBe(expected);
  });
});
