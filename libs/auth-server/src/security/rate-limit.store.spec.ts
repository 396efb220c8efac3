import { BoundedWindows, MemoryRateLimitStore } from './rate-limit.store.js';

describe(MemoryRateLimitStore.name, () => {
  let now = 1_000_000;
  const clock = () => now;

  it('counts hits per key in a fixed window and starts afresh when it ends', () => {
    const sut = new MemoryRateLimitStore(100, clock);
    expect(sut.hit('a', 1000)).toEqual({ count: 1, resetAt: now + 1000 });
    expect(sut.hit('a', 1000).count).toBe(2);
    expect(sut.hit('b', 1000).count).toBe(1);
    expect(sut.peek('a')).toEqual({ count: 2, resetAt: now + 1000 });
    now += 1000;
    expect(sut.peek('a')).toBeUndefined();
    expect(sut.hit('a', 1000)).toEqual({ count: 1, resetAt: now + 1000 });
  });

  it('reset forgets a key', () => {
    const sut = new MemoryRateLimitStore(100, clock);
    sut.hit('a', 1000);
    sut.reset('a');
    expect(sut.peek('a')).toBeUndefined();
    expect(sut.hit('a', 1000).count).toBe(1);
  });
});

describe(BoundedWindows.name, () => {
  it('never holds more than maxKeys windows, dropping the oldest first', () => {
    const sut = new BoundedWindows<{ count: number; resetAt: number }>(3);
    for (const key of ['a', 'b', 'c', 'd', 'e'])
      sut.open(key, 0, () => ({ count: 1, resetAt: 10 }));
    expect(sut.size).toBe(3);
    expect(sut.get('a', 0)).toBeUndefined();
    expect(sut.get('b', 0)).toBeUndefined();
    expect(sut.get('e', 0)).toBeDefined();
  });

  it('handles 100,000 distinct keys in linear time', () => {
    const sut = new BoundedWindows<{ count: number; resetAt: number }>(1000);
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) sut.open(`k${i}`, 0, () => ({ count: 1, resetAt: 10 }));
    expect(sut.size).toBe(1000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
