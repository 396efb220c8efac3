import { OAuthError } from '../errors/oauth.error.js';
import { parseAuditTime } from './audit-time.parser.js';

describe(parseAuditTime.name, () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    [0, 0],
    [1772323200000, 1772323200000],
    ['1772323200000', 1772323200000],
    ['2026-03-01', Date.UTC(2026, 2, 1)],
    ['2026-03-01T08:30Z', Date.UTC(2026, 2, 1, 8, 30)],
    ['2026-03-01T08:30:15.250+01:00', Date.UTC(2026, 2, 1, 7, 30, 15, 250)],
  ])('reads %p as %p', (value, expected) => {
    expect(parseAuditTime('from', value)).toBe(expected);
  });

  it.each([-1, 1.5, 'yesterday', '2026-03-01T08:30', '2026-13-45', '1e3', ' 1'])(
    'refuses %p as invalid_request naming the parameter',
    (value) => {
      const sut = () => parseAuditTime('to', value);
      expect(sut).toThrow(OAuthError);
      expect(sut).toThrow('to must be epoch milliseconds or an ISO 8601 time');
    },
  );
});
