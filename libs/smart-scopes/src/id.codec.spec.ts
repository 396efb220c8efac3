import { decodeId, encodeId, isScopeTokenChar } from './id.codec.js';

describe(isScopeTokenChar.name, () => {
  it.each([
    [0x21, true],
    [0x23, true],
    [0x5b, true],
    [0x5d, true],
    [0x7e, true],
    [0x20, false],
    [0x22, false],
    [0x5c, false],
    [0x7f, false],
    [0x09, false],
    [0xe9, false],
  ])('0x%s → %s', (code, expected) => {
    expect(isScopeTokenChar(code)).toBe(expected);
  });
});

describe(decodeId.name, () => {
  it.each([
    ['MyHospital::Vitals.v1', 'MyHospital::Vitals.v1'],
    ['IDCR%20-%20Vital%20Signs.v1', 'IDCR - Vital Signs.v1'],
    ['a%2Fb', 'a/b'],
    ['a%2fb', 'a/b'],
    ['100%25', '100%'],
    ['caf%C3%A9', 'café'],
    ['%2A', '*'],
  ])('decodes %j', (encoded, id) => {
    expect(decodeId(encoded)).toEqual({ ok: true, id });
  });

  it.each([
    ['100%', /malformed/],
    ['a%2', /malformed/],
    ['a%zz', /malformed/],
    ['%%20', /malformed/],
    ['%FF', /UTF-8/],
    ['%C3', /UTF-8/],
  ])('rejects %j', (encoded, reason) => {
    const result = decodeId(encoded);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });
});

describe(encodeId.name, () => {
  it.each([
    ['MyHospital::Vitals.v1', 'MyHospital::Vitals.v1'],
    ['IDCR - Vital Signs.v1', 'IDCR%20-%20Vital%20Signs.v1'],
    ['say "hi"', 'say%20%22hi%22'],
    ['a\\b', 'a%5Cb'],
    ['100%', '100%25'],
    ['café', 'caf%C3%A9'],
    ['😀', '%F0%9F%98%80'],
    ['\ud800', '%EF%BF%BD'],
    ['a/b?c*', 'a/b?c*'],
  ])('encodes %j', (id, encoded) => {
    expect(encodeId(id)).toBe(encoded);
  });

  it.each(['IDCR - Vital Signs.v1', '100% "sure" \\ ok', 'café::日本.v1'])(
    'round-trips %j through decodeId',
    (id) => {
      expect(decodeId(encodeId(id))).toEqual({ ok: true, id });
    },
  );
});
