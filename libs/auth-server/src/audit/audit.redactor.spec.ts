import { redactSecrets } from './audit.redactor.js';

describe(redactSecrets.name, () => {
  it('removes secrets, hashes and tokens at any depth, keeps the rest', () => {
    expect(
      redactSecrets({
        client_secret: 's',
        client_secret_expires_at: 0,
        token_endpoint_auth_method: 'client_secret_basic',
        nested: [{ secretHash: 'h', previous_secret_hash: 'h', keep: 1 }],
        initial_access_token: 't',
        password: 'p',
        undefinedValue: undefined,
      }),
    ).toEqual({
      client_secret_expires_at: 0,
      token_endpoint_auth_method: 'client_secret_basic',
      nested: [{ keep: 1 }],
    });
  });

  it('passes primitives through and truncates deep structures', () => {
    expect(redactSecrets('x')).toBe('x');
    let deep: unknown = 'leaf';
    for (let i = 0; i < 12; i += 1) deep = { d: deep };
    expect(JSON.stringify(redactSecrets(deep))).toContain('[truncated]');
  });
});
