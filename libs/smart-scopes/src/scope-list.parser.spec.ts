import fc from 'fast-check';
import { parseScopes } from './scope.parser.js';

describe(parseScopes.name, () => {
  it.each<[string | undefined, string[], string[]]>([
    [undefined, [], []],
    ['', [], []],
    ['   ', [], []],
    ['openid launch/patient', ['openid', 'launch/patient'], []],
    ['openid  openid   fhirUser ', ['openid', 'fhirUser'], []],
    ['openid bogus patient/composition-x.sr', ['openid'], ['bogus', 'patient/composition-x.sr']],
    ['openid\tprofile', [], ['openid\tprofile']],
  ])('%j → valid %j, invalid %j', (scope, valid, invalid) => {
    const result = parseScopes(scope);
    expect(result.valid.map((s) => s.raw)).toEqual(valid);
    expect(result.invalid.map((s) => s.raw)).toEqual(invalid);
  });

  it('passes options through', () => {
    expect(parseScopes('admin openid', { extraScopes: ['admin'] }).valid).toHaveLength(2);
    expect(parseScopes('admin openid').valid).toHaveLength(1);
  });

  it('reports tokens beyond the count limit as too many', () => {
    const tokens = Array.from({ length: 510 }, (_, i) => `__s${i}`);
    const result = parseScopes(tokens.join(' '));
    expect(result.valid).toHaveLength(500);
    expect(result.invalid).toHaveLength(10);
    expect(result.invalid[0]).toEqual({
      kind: 'invalid',
      raw: '__s500',
      reason: expect.stringMatching(/too many scopes/),
    });
  });

  it('counts duplicates once', () => {
    const result = parseScopes(Array.from({ length: 2000 }, () => 'openid').join(' '));
    expect(result).toEqual({
      valid: [{ kind: 'identity', raw: 'openid', name: 'openid' }],
      invalid: [],
    });
  });

  it.each([
    [
      '10,000 tokens',
      Array.from({ length: 10_000 }, (_, i) => `patient/composition-T${i}::*.rs`).join(' '),
    ],
    ['one 50 KB token', 'a'.repeat(50_000)],
    ['50 KB of stars', `patient/composition-${'*'.repeat(50_000)}.r`],
    ['50 KB of spaces', ' '.repeat(50_000)],
    ['50 KB of short junk', 'x% '.repeat(17_000)],
  ])('finishes quickly on %s', (_label, scope) => {
    const start = performance.now();
    const result = parseScopes(scope);
    expect(result.valid.length + result.invalid.length).toBeLessThanOrEqual(10_000);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })),
        (scope) => {
          const result = parseScopes(scope);
          const tokens = new Set(scope.split(' ').filter((t) => t !== ''));
          expect(result.valid.length + result.invalid.length).toBe(tokens.size);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
