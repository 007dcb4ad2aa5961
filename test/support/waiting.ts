/**
 * How long a test waits for an effect that lands asynchronously (a webhook applied, a Redis
 * subscription made), with room for a loaded CI machine: expect.poll's default (vitest.config.ts),
 * and what vi.waitUntil is given where a test needs the value it waited for.
 */
export const WAIT = { timeout: 15_000, interval: 20 };
