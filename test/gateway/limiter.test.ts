import { describe, expect, it } from 'vitest';
import { TokenLimiter } from '../../src/square/limiter.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('per-token cap', () => {
  it('runs at most the cap at once for a token, and calls that lead to more calls first', async () => {
    const run = new TokenLimiter(1).for('seller');
    const order: string[] = [];
    const busy = deferred();
    const first = run(() => busy.promise);
    const queued = [
      run(async () => void order.push('ListCards A')),
      run(async () => void order.push('ListCards B')),
      run(async () => void order.push('SearchOrders'), { priority: 'first' }),
    ];
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    busy.resolve();
    await Promise.all([first, ...queued]);
    expect(order).toEqual(['SearchOrders', 'ListCards A', 'ListCards B']);
  });

  it('gives every token its own cap', async () => {
    const limiter = new TokenLimiter(1);
    const busy = deferred();
    const held = limiter.for('seller-a')(() => busy.promise);
    let otherRan = false;
    await limiter.for('seller-b')(async () => void (otherRan = true));
    expect(otherRan).toBe(true);
    busy.resolve();
    await held;
  });

  it('passes failures through to the caller', async () => {
    const run = new TokenLimiter(2).for('seller');
    await expect(run(async () => Promise.reject(new Error('Square said no')))).rejects.toThrow('Square said no');
    expect(await run(async () => 42)).toBe(42);
  });
});
