import { initialAccessTokenMatches } from './registration.guard.js';

describe(initialAccessTokenMatches.name, () => {
  it.each([
    ['initial-access-token-0123', 'initial-access-token-0123', true],
    ['initial-access-token-012', 'initial-access-token-0123', false],
    ['', 'initial-access-token-0123', false],
    [undefined, 'initial-access-token-0123', false],
  ])('%s vs %s → %s', (presented, expected, result) => {
    expect(initialAccessTokenMatches(presented, expected)).toBe(result);
  });
});
