import { SmartResourceServerConfigError } from './errors/resource-server-config.error.js';
import {
  resolveResourceServerOptions,
  SMART_RESOURCE_SERVER_DEFAULTS,
  type SmartResourceServerOptions,
} from './smart-resource-server.options.js';

const valid: SmartResourceServerOptions = {
  issuer: 'https://ehr.example.org',
  audience: 'https://ehr.example.org/openehr/rest/v1',
};

describe(resolveResourceServerOptions.name, () => {
  it('applies every default', () => {
    const sut = resolveResourceServerOptions(valid);
    expect(sut).toEqual({
      issuer: 'https://ehr.example.org',
      audience: ['https://ehr.example.org/openehr/rest/v1'],
      jwksUri: undefined,
      discoveryUrl: 'https://ehr.example.org/.well-known/openid-configuration',
      algorithms: SMART_RESOURCE_SERVER_DEFAULTS.algorithms,
      clockToleranceSeconds: 5,
      jwksCacheMaxAgeSeconds: 600,
      jwksRefetchCooldownSeconds: 30,
      verifiedTokenCacheSize: 10_000,
      httpTimeoutMs: 5000,
      introspection: undefined,
      introspectionCacheMaxAgeSeconds: 60,
      realm: 'openehr',
      requireTokenType: 'at+jwt',
      patientQueries: 'refuse',
    });
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it('keeps explicit values', () => {
    const sut = resolveResourceServerOptions({
      ...valid,
      issuer: 'https://ehr.example.org/auth/',
      audience: ['a', 'b'],
      jwksUri: 'https://ehr.example.org/auth/jwks',
      algorithms: ['ES384'],
      introspection: {
        endpoint: 'https://ehr.example.org/auth/introspect',
        clientId: 'rs',
        clientSecret: 's',
      },
      requireTokenType: false,
      patientQueries: 'ehr-id-parameter',
    });
    expect(sut).toMatchObject({
      audience: ['a', 'b'],
      discoveryUrl: 'https://ehr.example.org/auth/.well-known/openid-configuration',
      jwksUri: 'https://ehr.example.org/auth/jwks',
      algorithms: ['ES384'],
      introspection: {
        endpoint: 'https://ehr.example.org/auth/introspect',
        clientId: 'rs',
        clientSecret: 's',
        requireAudience: true,
      },
      requireTokenType: false,
      patientQueries: 'ehr-id-parameter',
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['issuer', { issuer: 'not a url' }],
    ['issuer', { issuer: 'ftp://ehr.example.org' }],
    ['issuer', { issuer: undefined }],
    ['audience', { audience: '' }],
    ['audience', { audience: [] }],
    ['audience[1]', { audience: ['a', 3] }],
    ['jwksUri', { jwksUri: '/jwks' }],
    ['algorithms', { algorithms: [] }],
    ['algorithms[1]', { algorithms: ['ES256', 'HS256'] }],
    ['algorithms[0]', { algorithms: ['none'] }],
    ['clockToleranceSeconds', { clockToleranceSeconds: -1 }],
    ['clockToleranceSeconds', { clockToleranceSeconds: 1.5 }],
    ['jwksCacheMaxAgeSeconds', { jwksCacheMaxAgeSeconds: '600' }],
    ['jwksRefetchCooldownSeconds', { jwksRefetchCooldownSeconds: 99_999 }],
    ['verifiedTokenCacheSize', { verifiedTokenCacheSize: -1 }],
    ['verifiedTokenCacheSize', { verifiedTokenCacheSize: 1_000_001 }],
    ['httpTimeoutMs', { httpTimeoutMs: 0 }],
    ['introspection', { introspection: 'yes' }],
    [
      'introspection.endpoint',
      { introspection: { endpoint: 'x', clientId: 'a', clientSecret: 'b' } },
    ],
    [
      'introspection.clientId',
      { introspection: { endpoint: 'https://x', clientId: '', clientSecret: 'b' } },
    ],
    ['introspection.clientSecret', { introspection: { endpoint: 'https://x', clientId: 'a' } }],
    [
      'introspection.requireAudience',
      {
        introspection: {
          endpoint: 'https://x',
          clientId: 'a',
          clientSecret: 'b',
          requireAudience: 'no',
        },
      },
    ],
    [
      'introspection.secret',
      { introspection: { endpoint: 'https://x', clientId: 'a', clientSecret: 'b', secret: 'c' } },
    ],
    ['realm', { realm: 'a"b' }],
    ['realm', { realm: '' }],
    ['requireTokenType', { requireTokenType: '' }],
    ['patientQueries', { patientQueries: 'allow' }],
    ['audiance', { audiance: 'typo' }],
  ])('names %s when it is bad', (option, patch) => {
    const attempt = () => resolveResourceServerOptions({ ...valid, ...patch });
    expect(attempt).toThrow(SmartResourceServerConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as SmartResourceServerConfigError).option).toBe(option);
      expect((error as Error).message).toMatch(
        new RegExp(`^SmartResourceServerOptions\\.${option.replace(/[[\].]/g, '\\$&')} `),
      );
      expect((error as SmartResourceServerConfigError).code).toBe('ERR_RESOURCE_SERVER_CONFIG');
    }
  });
});
