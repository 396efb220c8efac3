import fc from 'fast-check';
import { idArb, patternArb, tinyPatternArb } from '../test/scope.arbitraries.js';
import { isIdPatternWithin, matchesEveryId, matchesId } from './id-pattern.matcher.js';

/** Reference semantics by exhaustive search (exponential; small inputs only). */
function reference(pattern: string, id: string): boolean {
  return pattern === '*' || referenceFrom(pattern, id);
}

function referenceFrom(pattern: string, id: string): boolean {
  if (pattern === '') return id === '';
  const stars = /^\*+/.exec(pattern)?.[0].length ?? 0;
  if (stars === 0) {
    return id !== '' && id[0] === pattern[0] && referenceFrom(pattern.slice(1), id.slice(1));
  }
  for (let n = 0; n <= id.length; n += 1) {
    if (stars === 1 && id.slice(0, n).includes('::')) return false;
    if (referenceFrom(pattern.slice(stars), id.slice(n))) return true;
  }
  return false;
}

describe(matchesId.name, () => {
  it.each([
    // exact
    ['MyHospital::Vitals.v1', 'MyHospital::Vitals.v1', true],
    ['MyHospital::Vitals.v1', 'MyHospital::Vitals.v2', false],
    ['MyHospital::Vitals.v1', 'myhospital::vitals.v1', false],
    ['', '', true],
    ['a', '', false],
    // bare * matches everything, including ::
    ['*', 'MyHospital::Vitals.v1', true],
    ['*', 'a::b::c', true],
    ['*', '', true],
    // * elsewhere: any run without ::, crosses dots
    ['MyHospital::Vital*', 'MyHospital::Vitals.v1', true],
    ['MyHospital::*', 'MyHospital::Vitals.v1', true],
    ['MyHospital::*', 'MyHospital::Sub::Vitals.v1', false],
    ['MyHospital*', 'MyHospital::Vitals.v1', false],
    ['*::Template.v0', 'org.openehr::Template.v0', true],
    ['*::Template.v0', 'a::b::Template.v0', false],
    ['*.v1', 'Vitals.v1', true],
    ['*.v1', 'Vitals.v2', false],
    ['*.v1', 'ns::Vitals.v1', false],
    ['Vitals.*', 'Vitals.v1', true],
    ['Vitals.*', 'Vitals', false],
    ['a*b', 'ab', true],
    ['a*b', 'a:b', true],
    ['a*b', 'a::b', false],
    ['a*b*c', 'a.x.b.y.c', true],
    ['a*', 'A', false],
    // ** any run including ::
    ['**', 'a::b::c', true],
    ['**', '', true],
    ['MyHospital**', 'MyHospital::Vitals.v1', true],
    ['**::Vitals.v1', 'a::b::Vitals.v1', true],
    ['**::Vitals.v1', 'Vitals.v1', false],
    ['***', 'a::b', true],
    ['a**b', 'a::::b', true],
    ['a*:b', 'a::b', true],
  ])('%j matches %j → %s', (pattern, id, expected) => {
    expect(matchesId(pattern, id)).toBe(expected);
    expect(reference(pattern, id)).toBe(expected);
  });

  it('agrees with the exhaustive reference on generated patterns and ids', () => {
    fc.assert(
      fc.property(patternArb, idArb, (pattern, id) => {
        expect(matchesId(pattern, id)).toBe(reference(pattern, id));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['*a'.repeat(200), 'a'.repeat(20_000) + 'b'],
    ['**a'.repeat(200), 'a'.repeat(20_000) + 'b'],
    ['*:'.repeat(100) + 'x', ':'.repeat(20_000)],
  ])('stays fast on adversarial input (%#)', (pattern, id) => {
    const start = performance.now();
    expect(matchesId(pattern, id)).toBe(false);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe(isIdPatternWithin.name, () => {
  it.each([
    ['MyHospital::Vitals.v1', 'MyHospital::*', true],
    ['MyHospital::*', 'MyHospital::Vitals.v1', false],
    ['MyHospital::*', '*', true],
    ['MyHospital::*', '**', true],
    ['MyHospital::*', 'MyHospital::**', true],
    ['MyHospital::**', 'MyHospital::*', false],
    ['MyHospital::Vital*', 'MyHospital::*', true],
    ['MyHospital::*', 'MyHospital::Vital*', false],
    ['*', '**', true],
    ['**', '*', true],
    ['*', 'a*', false],
    ['a*', '*', true],
    ['a*', 'a**', true],
    ['a**', 'a*', false],
    ['*.v1', '*', true],
    ['a*b*c', 'a*c', true],
    ['a*c', 'a*b*c', false],
    ['x:*', 'x*', false],
    ['x*', 'x*', true],
    ['*::a', '**a', true],
    ['*::a', '*a', false],
    ['org.openehr::*', 'org.*::*', true],
    ['Other::*', 'MyHospital::*', false],
  ])('%j within %j → %s', (inner, outer, expected) => {
    expect(isIdPatternWithin(inner, outer)).toBe(expected);
  });

  it('is sound: an id matched by inner is matched by outer', () => {
    let proved = 0;
    fc.assert(
      fc.property(
        tinyPatternArb,
        tinyPatternArb,
        fc.array(idArb, { maxLength: 30 }),
        (p, q, ids) => {
          if (!isIdPatternWithin(p, q)) return;
          proved += 1;
          for (const id of ids) {
            if (matchesId(p, id)) expect(matchesId(q, id)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
    expect(proved).toBeGreaterThan(100);
  });

  it('is sound on ids built from the inner pattern', () => {
    const expansion = fc.string({ unit: fc.constantFrom('a', ':', '.'), maxLength: 4 });
    fc.assert(
      fc.property(patternArb, patternArb, fc.array(expansion, { maxLength: 10 }), (p, q, fills) => {
        let k = 0;
        const id = p.replace(/\*+/g, () => fills[k++ % Math.max(fills.length, 1)] ?? '');
        fc.pre(matchesId(p, id));
        if (isIdPatternWithin(p, q)) expect(matchesId(q, id)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('is reflexive and agrees with matchesId on literal ids', () => {
    fc.assert(
      fc.property(patternArb, idArb, (p, id) => {
        expect(isIdPatternWithin(p, p)).toBe(true);
        expect(isIdPatternWithin(id, p)).toBe(matchesId(p, id));
      }),
    );
  });
});

describe(matchesEveryId.name, () => {
  it.each([
    ['*', true],
    ['**', true],
    ['****', true],
    ['MyHospital::*', false],
    ['*::*', false],
    ['*.*', false],
    ['', false],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesEveryId(pattern)).toBe(expected);
  });
});
