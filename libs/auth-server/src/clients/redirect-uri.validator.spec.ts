import { ClientMetadataError } from '../errors/client-metadata.error.js';
import { classifyRedirectUri } from './redirect-uri.validator.js';

describe(classifyRedirectUri.name, () => {
  it.each([
    ['https://app.example.org/cb', 'https'],
    ['https://app.example.org/cb?x=1', 'https'],
    ['https://localhost:8443/cb', 'https'],
    ['http://127.0.0.1/cb', 'loopback'],
    ['http://127.0.0.1:51004/cb', 'loopback'],
    ['http://[::1]:8080/cb', 'loopback'],
    ['http://localhost:3000/cb', 'loopback'],
    ['com.example.app:/oauth2redirect', 'private-use'],
    ['org.openehr.viewer://callback', 'private-use'],
  ])('%s is %s', (uri, kind) => expect(classifyRedirectUri(uri)).toBe(kind));

  it.each([
    'http://app.example.org/cb',
    'http://localhost.evil.example/cb',
    'http://127.0.0.2.nip.io/cb',
    'https://app.example.org/cb#frag',
    'https://app.example.org/cb#',
    'https://good@evil.example/cb',
    'https://user:pass@app.example.org/cb',
    '/relative',
    'app.example.org/cb',
    'https://app.example.org/c b',
    'javascript:alert(1)',
    'data:text/html,x',
    'myapp:/cb',
    'file:///etc/passwd',
    `https://app.example.org/${'x'.repeat(2000)}`,
  ])('refuses %s', (uri) => {
    expect(() => classifyRedirectUri(uri)).toThrow(ClientMetadataError);
  });
});
