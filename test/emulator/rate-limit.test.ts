import { SquareError } from 'square';
import { afterEach, describe, expect, it } from 'vitest';
import { emulatorConfig } from '../../src/emulator/config.js';
import { RateLimiter } from '../../src/emulator/plumbing/rate-limit.js';
import { DEMO_TOKEN } from '../../src/emulator/seed.js';
import { createEmulator } from '../../src/emulator/server.js';
import { useEmulator } from '../support/emulator.js';

const square = useEmulator();

const setLimit = (body: unknown) =>
  fetch(`${square.url}/_emulator/rate-limit`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

afterEach(async () => {
  await fetch(`${square.url}/_emulator/rate-limit`, { method: 'DELETE' });
});

describe('per-merchant rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a merchant spent its burst, as Square does', async () => {
    // A rate so slow that no token comes back during the test: the burst alone decides.
    expect((await setLimit({ rate_per_second: 0.01, burst: 3 })).status).toBe(200);
    const client = square.client();
    for (let i = 0; i < 3; i++) await client.locations.list();
    const error = await client.locations.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SquareError);
    expect((error as SquareError).statusCode).toBe(429);
    expect((error as SquareError).errors[0]).toMatchObject({ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' });
    const raw = await square.raw('GET', '/v2/locations', { token: 'another-merchant' });
    expect(raw.status).toBe(200);
  });

  it('gives each merchant its own bucket and says how long to wait', async () => {
    await setLimit({ rate_per_second: 0.5, burst: 1 });
    expect((await square.raw('GET', '/v2/locations', { token: 'merchant-a' })).status).toBe(200);
    const throttled = await square.raw('GET', '/v2/locations', { token: 'merchant-a' });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect((await square.raw('GET', '/v2/locations', { token: 'merchant-b' })).status).toBe(200);
  });

  it('logs throttled calls with their status, and none without a limit', async () => {
    await fetch(`${square.url}/_emulator/requests`, { method: 'DELETE' });
    await setLimit({ rate_per_second: 0.01, burst: 1 });
    await square.raw('GET', '/v2/locations', { token: 'merchant-log' });
    await square.raw('GET', '/v2/locations', { token: 'merchant-log' });
    await fetch(`${square.url}/_emulator/rate-limit`, { method: 'DELETE' });
    await square.raw('GET', '/v2/locations', { token: 'merchant-log' });
    const { requests } = (await (await fetch(`${square.url}/_emulator/requests`)).json()) as { requests: Array<{ status: number }> };
    expect(requests.map((r) => r.status)).toEqual([200, 429, 200]);
  });

  it('reads and refuses settings through the control plane', async () => {
    await setLimit({ rate_per_second: 20, burst: 40 });
    expect(await (await fetch(`${square.url}/_emulator/rate-limit`)).json()).toEqual({ rate_limit: { rate_per_second: 20, burst: 40 } });
    const refused = await setLimit({ rate_per_second: 0 });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Array<{ field?: string }> }).errors[0]?.field).toBe('rate_per_second');
    await fetch(`${square.url}/_emulator/rate-limit`, { method: 'DELETE' });
    expect(await (await fetch(`${square.url}/_emulator/rate-limit`)).json()).toEqual({ rate_limit: null });
  });
});

describe('a throttled emulator with demo data', () => {
  it('seeds the demo merchant unthrottled, then throttles it like any other', async () => {
    const emulator = await createEmulator({ seed: true, rateLimit: { ratePerSecond: 0.01, burst: 1 } });
    try {
      const url = await emulator.listen();
      const call = () => fetch(`${url}/v2/locations`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(429);
    } finally {
      await emulator.close();
    }
  });
});

describe('token bucket', () => {
  it('refills at the rate, up to the burst', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 2 }, () => now);
    expect(limiter.take('m')).toBeUndefined();
    expect(limiter.take('m')).toBeUndefined();
    expect(limiter.take('m')).toEqual({ retryAfterSeconds: 1 });
    now = 100; // one token back
    expect(limiter.take('m')).toBeUndefined();
    expect(limiter.take('m')).toBeDefined();
    now = 10_000; // a long quiet spell saves no more than the burst
    expect([limiter.take('m'), limiter.take('m'), limiter.take('m')]).toEqual([undefined, undefined, { retryAfterSeconds: 1 }]);
  });
});

describe('EMULATOR_RATE_LIMIT', () => {
  it('reads calls a second and an optional burst', () => {
    expect(emulatorConfig({ EMULATOR_RATE_LIMIT: '10/s' }).rateLimit).toEqual({ ratePerSecond: 10, burst: 10 });
    expect(emulatorConfig({ EMULATOR_RATE_LIMIT: '0.5/s', EMULATOR_RATE_BURST: '4' }).rateLimit).toEqual({ ratePerSecond: 0.5, burst: 4 });
    expect(emulatorConfig({}).rateLimit).toBeUndefined();
  });

  it('says what a bad value should look like', () => {
    expect(() => emulatorConfig({ EMULATOR_RATE_LIMIT: '10' })).toThrow('EMULATOR_RATE_LIMIT must look like "10/s"');
    expect(() => emulatorConfig({ EMULATOR_RATE_LIMIT: '10/s', EMULATOR_RATE_BURST: '0' })).toThrow('EMULATOR_RATE_BURST must be at least 1');
  });
});
