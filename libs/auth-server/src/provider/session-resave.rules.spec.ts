import { SessionResaveRules } from './session-resave.rules.js';

const TTL = 86_400;
const NOW = 1_800_000_000_000;
const nowS = NOW / 1000;

const session = (exp: number, extra: Record<string, unknown> = {}) => ({
  iat: exp - TTL,
  exp,
  jti: 'session-1',
  accountId: 'clinician',
  authorizations: { app: { sid: 's1', grantId: 'g1' } },
  ...extra,
});

describe(SessionResaveRules.name, () => {
  it('saves a session it has not seen, and one saved without an expiry', () => {
    const sut = new SessionResaveRules();
    expect(sut.needsSave('session-1', session(nowS + TTL), TTL, NOW)).toBe(true);
    sut.remember('session-1', { ...session(0), exp: undefined });
    expect(sut.needsSave('session-1', session(nowS + TTL), TTL, NOW)).toBe(true);
  });

  it('skips an unchanged session while it keeps at least 90 % of the new lifetime', () => {
    const sut = new SessionResaveRules();
    sut.remember('session-1', session(nowS + TTL));
    // The engine's next save differs only in iat and exp.
    const later = (seconds: number) => session(nowS + seconds + TTL);
    expect(sut.needsSave('session-1', later(60), TTL, NOW + 60_000)).toBe(false);
    expect(
      sut.needsSave('session-1', later(0.1 * TTL - 1), TTL, NOW + (0.1 * TTL - 1) * 1000),
    ).toBe(false);
    expect(
      sut.needsSave('session-1', later(0.1 * TTL + 1), TTL, NOW + (0.1 * TTL + 1) * 1000),
    ).toBe(true);
  });

  it('compares content, not the order the engine wrote it in', () => {
    const sut = new SessionResaveRules();
    const { authorizations, jti, ...rest } = session(nowS + TTL);
    sut.remember('session-1', { jti, authorizations, ...rest });
    const reordered = {
      ...session(nowS + 60 + TTL),
      authorizations: { app: { grantId: 'g1', sid: 's1' } },
    };
    expect(sut.needsSave('session-1', reordered, TTL, NOW + 60_000)).toBe(false);
    expect(
      sut.needsSave('session-1', { ...reordered, transient: undefined }, TTL, NOW + 60_000),
    ).toBe(false);
  });

  it.each([
    [
      'a new app in the session',
      { authorizations: { app: { sid: 's1', grantId: 'g1' }, other: {} } },
    ],
    ['a new grant for the app', { authorizations: { app: { sid: 's1', grantId: 'g2' } } }],
    ['another account', { accountId: 'nurse' }],
    ['a logout state', { state: { secret: 'x', clientId: 'app' } }],
    ['a login time', { loginTs: nowS }],
  ])('saves at once when the content changed: %s', (_label, change) => {
    const sut = new SessionResaveRules();
    sut.remember('session-1', session(nowS + TTL));
    expect(sut.needsSave('session-1', session(nowS + TTL, change), TTL, NOW + 1000)).toBe(true);
  });

  it('saves again after forgetting (destroyed or not found), and other sessions are their own', () => {
    const sut = new SessionResaveRules();
    sut.remember('session-1', session(nowS + TTL));
    expect(sut.needsSave('session-2', session(nowS + TTL), TTL, NOW)).toBe(true);
    sut.forget('session-1');
    expect(sut.needsSave('session-1', session(nowS + TTL), TTL, NOW)).toBe(true);
  });

  it('saves a session whose remembered expiry has passed', () => {
    const sut = new SessionResaveRules();
    sut.remember('session-1', session(nowS + 10));
    expect(sut.needsSave('session-1', session(nowS + 20 + TTL), TTL, NOW + 20_000)).toBe(true);
  });
});
