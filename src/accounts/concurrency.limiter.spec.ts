import { ConcurrencyLimiter } from './concurrency.limiter.js';

/** A task the test finishes by hand. */
function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open, fail };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimiter', () => {
  it('runs at most max tasks at once, the rest in arrival order, a failure freeing its slot', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const results = gates.map((g, i) =>
      limiter.run(async () => {
        started.push(i);
        await g.done;
        return i;
      }),
    );
    await turn();
    expect(started).toEqual([0, 1]);

    gates[1].fail(new Error('boom'));
    await expect(results[1]).rejects.toThrow('boom');
    await turn();
    expect(started).toEqual([0, 1, 2]);

    gates[0].open();
    gates[2].open();
    await turn();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[3].open();
    gates[4].open();
    expect(await Promise.all([results[0], results[2], results[3], results[4]])).toEqual([
      0, 2, 3, 4,
    ]);

    // All slots are free again: two new tasks start at once.
    const more = [gate(), gate()];
    const again: number[] = [];
    const runs = more.map((g, i) => limiter.run(() => (again.push(i), g.done)));
    await turn();
    expect(again).toEqual([0, 1]);
    more.forEach((g) => g.open());
    await Promise.all(runs);
  });
});
