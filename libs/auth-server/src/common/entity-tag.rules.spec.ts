import { ifNoneMatchHits, strongEntityTag } from './entity-tag.rules.js';

describe(strongEntityTag.name, () => {
  it('is a quoted strong tag that depends on the bytes only', () => {
    const sut = strongEntityTag(Buffer.from('{"keys":[]}'));
    expect(sut).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(strongEntityTag(Buffer.from('{"keys":[]}'))).toBe(sut);
    expect(strongEntityTag(Buffer.from('{"keys":[1]}'))).not.toBe(sut);
  });
});

describe(ifNoneMatchHits.name, () => {
  const etag = '"abc"';
  it.each([
    ['the same tag', '"abc"', true],
    ['the same tag, weak', 'W/"abc"', true],
    ['a list holding it', '"x", W/"y",  "abc"', true],
    ['a list holding it weak, no spaces', '"x",W/"abc"', true],
    ['a star', '*', true],
    ['a star with spaces', ' * ', true],
    ['another tag', '"abd"', false],
    ['a list without it', '"x", "y"', false],
    ['a tag with a comma inside', '"a,bc", "ab"', false],
    ['the tag unquoted', 'abc', false],
    ['a malformed list', '"x", abc, "abc"', false],
    ['an unterminated tag', '"abc', false],
    ['a lower-case weak prefix', 'w/"abc"', false],
    ['empty', '', false],
    ['absent', undefined, false],
  ])('%s', (_name, header, expected) => {
    expect(ifNoneMatchHits(header, etag)).toBe(expected);
  });

  it('compares weakly when the current tag is weak', () => {
    expect(ifNoneMatchHits('"abc"', 'W/"abc"')).toBe(true);
  });
});
