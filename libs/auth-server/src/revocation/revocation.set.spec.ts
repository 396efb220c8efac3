import { RevocationSet } from './revocation.set.js';
import { accessTokenRevocation, jtiDigest } from './revocation.types.js';

describe(RevocationSet.name, () => {
  const now = 1_800_000_000_000;
  const iat = now / 1000 - 10;
  const later = now + 60_000;

  it.each([
    ['a listed jti', { jti: 'j1', iat }, true],
    ['another jti', { jti: 'j2', iat }, false],
    ['a token of the revoked client issued before the cutoff', { client_id: 'c1', iat }, true],
    ['a token of the revoked client issued after it', { client_id: 'c1', iat: iat + 20 }, false],
    [
      'a token of the revoked subject issued in the cutoff second',
      { sub: 's1', iat: iat + 5 },
      true,
    ],
    ['a token of the revoked subject without iat (fails closed)', { sub: 's1' }, true],
    ['a token of another subject', { sub: 's2', iat }, false],
  ])('%s: revoked = %s', (_name, claims, revoked) => {
    const sut = new RevocationSet();
    sut.add({ kind: 'jti', target: jtiDigest('j1'), issuedBefore: null, expiresAt: later });
    sut.add({ kind: 'client', target: 'c1', issuedBefore: iat + 5, expiresAt: later });
    sut.add({ kind: 'subject', target: 's1', issuedBefore: iat + 5, expiresAt: later });
    expect(sut.has(claims, now)).toBe(revoked);
  });

  it('forgets entries once they expire, and keeps the widest cutoff', () => {
    const sut = new RevocationSet();
    sut.add(accessTokenRevocation('j1', now / 1000 - 120));
    sut.add({ kind: 'client', target: 'c1', issuedBefore: iat + 5, expiresAt: later });
    sut.add({ kind: 'client', target: 'c1', issuedBefore: iat, expiresAt: now + 1 });
    expect(sut.has({ jti: 'j1' }, now)).toBe(false);
    expect(sut.has({ client_id: 'c1', iat: iat + 5 }, now)).toBe(true);
    sut.prune(now);
    expect(sut.size).toBe(1);
    sut.prune(later);
    expect(sut.size).toBe(0);
  });
});
