import type { IncomingMessage } from 'node:http';
import { compileHostRules, judgeHost, parseHost, requestedHost } from './host.rules.js';

const request = (url: string, headers: Record<string, string>) =>
  ({ url, headers }) as unknown as IncomingMessage;

describe(judgeHost.name, () => {
  const sut = compileHostRules(
    'https://ehr.example.org',
    ['auth.internal:3000', '10.0.0.7'],
    false,
  );

  it.each([
    ['ehr.example.org', 'canonical'],
    ['EHR.Example.ORG', 'canonical'],
    ['ehr.example.org:443', 'canonical'],
    ['ehr.example.org:8443', 'refused'],
    ['auth.internal:3000', 'allowed'],
    ['auth.internal', 'refused'],
    ['auth.internal:3001', 'refused'],
    ['10.0.0.7', 'allowed'],
    ['10.0.0.7:9999', 'allowed'],
    ['evil.example', 'refused'],
    ['ehr.example.org.evil.example', 'refused'],
    ['evil.example@ehr.example.org', 'refused'],
    ['ehr.example.org/path', 'refused'],
    ['', 'refused'],
    [undefined, 'refused'],
  ])('%s is %s', (host, verdict) => {
    expect(judgeHost(sut, host)).toBe(verdict);
  });

  it('compares the port of an http public URL with 80 as the default', () => {
    const http = compileHostRules('http://127.0.0.1:3000', [], false);
    expect(judgeHost(http, '127.0.0.1:3000')).toBe('canonical');
    expect(judgeHost(http, '127.0.0.1')).toBe('refused');
    expect(judgeHost(compileHostRules('http://[::1]', [], false), '[::1]:80')).toBe('canonical');
  });
});

describe(requestedHost.name, () => {
  it('reads Host, and X-Forwarded-Host only from a trusted proxy', () => {
    const req = request('/x', { host: 'a.example', 'x-forwarded-host': 'b.example, c.example' });
    expect(requestedHost(req, false)).toBe('a.example');
    expect(requestedHost(req, true)).toBe('b.example');
    expect(requestedHost(request('/x', { host: 'a.example' }), true)).toBe('a.example');
  });

  it('takes the authority of an absolute-form target over Host', () => {
    const req = request('http://evil.example:81/x', { host: 'a.example' });
    expect(requestedHost(req, false)).toBe('evil.example:81');
  });
});

describe(parseHost.name, () => {
  it.each(['a.example', 'a.example:1', '10.0.0.1:65535', '[::1]:3000'])('accepts %s', (v) => {
    expect(parseHost(v)).toBeDefined();
  });
  it.each(['', 'a.example:', 'a.example:65536', 'http://a.example', 'a b', 'a..b'])(
    'refuses %j',
    (v) => {
      expect(parseHost(v)).toBeUndefined();
    },
  );
});
