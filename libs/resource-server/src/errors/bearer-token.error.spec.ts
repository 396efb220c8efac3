import { BearerTokenError } from './bearer-token.error.js';

describe(BearerTokenError.name, () => {
  it.each<[string, BearerTokenError, number, string, Record<string, string>]>([
    [
      'missing token',
      BearerTokenError.missingToken(),
      401,
      'Bearer realm="openehr"',
      { error_description: 'a bearer access token is required' },
    ],
    [
      'invalid_token',
      BearerTokenError.invalidToken('the access token has expired'),
      401,
      'Bearer realm="openehr", error="invalid_token", error_description="the access token has expired"',
      { error: 'invalid_token', error_description: 'the access token has expired' },
    ],
    [
      'insufficient_scope',
      BearerTokenError.insufficientScope(
        'user/composition-Vitals.v1.r system/composition-Vitals.v1.r',
      ),
      403,
      'Bearer realm="openehr", error="insufficient_scope", error_description="the access token does not grant the scope this request needs", scope="user/composition-Vitals.v1.r system/composition-Vitals.v1.r"',
      {
        error: 'insufficient_scope',
        error_description: 'the access token does not grant the scope this request needs',
        scope: 'user/composition-Vitals.v1.r system/composition-Vitals.v1.r',
      },
    ],
    [
      'insufficient_scope without a hint',
      BearerTokenError.insufficientScope(undefined, 'not an openEHR operation'),
      403,
      'Bearer realm="openehr", error="insufficient_scope", error_description="not an openEHR operation"',
      { error: 'insufficient_scope', error_description: 'not an openEHR operation' },
    ],
  ])('%s renders per RFC 6750', (_name, sut, status, header, body) => {
    expect(sut.status).toBe(status);
    expect(sut.toHeader('openehr')).toBe(header);
    expect(sut.toBody()).toEqual(body);
  });

  it('never puts a quote or backslash inside a quoted value', () => {
    const sut = BearerTokenError.invalidToken('bad "x" \\ y\nz');
    expect(sut.toHeader('r')).toBe(
      'Bearer realm="r", error="invalid_token", error_description="bad ?x? ? y?z"',
    );
  });

  it('is an Error with a stable name', () => {
    const sut = BearerTokenError.invalidToken('x');
    expect(sut).toBeInstanceOf(Error);
    expect(sut.name).toBe('BearerTokenError');
  });
});
