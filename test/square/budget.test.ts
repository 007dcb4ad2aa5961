import { Redis } from 'ioredis';
import { SquareClient } from 'square';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { contextFactory } from '../../src/context/context-factory.js';
import { createLogger } from '../../src/gateway/logger.js';
import { BACKGROUND_RESERVE, BudgetRefusal, LocalBucketStore, RedisBucketStore, SquareBudget, type BucketStore } from '../../src/square/budget.js';
import { budgetedFetch } from '../../src/square/budgeted-fetch.js';
import { SQUARE_VERSION } from '../../src/square/client.js';
import { SquareEpisodes } from '../../src/square/episodes.js';
import { LocationsCache } from '../../src/square/locations-cache.js';
import { createLoaders, SCOPES } from '../../src/apis/registry.js';
import { squareFetch } from '../../src/square/transport.js';
import { CustomerOverviewDocument } from '../gql/graphql.js';
import { createTestGateway, SERVER_TOKEN, useGateway } from '../support/gateway.js';
import { arrangeMerchant } from '../support/merchant.js';
import { REDIS_URL, testPrefix } from '../support/redis.js';

const settings = { ratePerSecond: 10, burst: 3 };

const waits = async (store: BucketStore, n: number, id = 's') => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await store.take(id)).wait);
  return out;
};

/**
 * Drives a bucket through windows of Square's answers: each opens with a 429 asking for
 * `windowMs` of quiet, which pauses the seller when it decreases the rate and then lasts
 * `windowMs` more; halfway through what is left of it the seller takes what its rate gave
 * it meanwhile, and Square refuses `refused(sent)` of those calls; the next 429 comes
 * just after the window.
 */
const windows = async (store: BucketStore, count: number, refused: (sent: number) => number, pass: (ms: number) => Promise<void>, windowMs = 100) => {
  const rates: number[] = [];
  for (let i = 0; i < count; i++) {
    const before = (await store.peek('s')).ratePerSecond;
    await store.throttled('s', windowMs);
    if ((await store.peek('s')).ratePerSecond < before) await pass(windowMs);
    await pass(windowMs / 2);
    const sent = (await waits(store, Math.floor(((await store.peek('s')).ratePerSecond * windowMs) / 2 / 1000))).filter((w) => w === 0).length;
    const refusals = refused(sent);
    for (let r = 1; r < refusals; r++) await store.throttled('s', windowMs);
    rates.push((await store.peek('s')).ratePerSecond);
    await pass(windowMs / 2 + 10);
  }
  return rates;
};
const fast = { ratePerSecond: 1_000, burst: 1_000 };
/** A rate to the nearest 50 a second: it recovers a little between windows. */
const roughly = (rate: number) => Math.round(rate / 50) * 50;
const clock = () => {
  const at = { now: 0 };
  return { at, pass: async (ms: number) => void (at.now += ms) };
};

describe('a seller’s bucket', () => {
  it('lets a burst go at once, then one call per 1/rate, and never saves more than the burst', async () => {
    let now = 0;
    const store = new LocalBucketStore(settings, () => now);
    expect(await waits(store, 3)).toEqual([0, 0, 0]);
    expect(await waits(store, 1)).toEqual([100]);
    now = 100;
    expect(await waits(store, 1)).toEqual([0]);
    now = 60_000;
    expect(await waits(store, 4)).toEqual([0, 0, 0, 100]);
    expect(await waits(store, 1, 'another seller')).toEqual([0]);
  });

  it('tells what it holds with each take, as peek does', async () => {
    const store = new LocalBucketStore(settings, () => 0);
    expect((await store.take('s')).status).toEqual({ tokens: 2, ratePerSecond: 10, burst: 3 });
    expect(await store.peek('s')).toEqual({ tokens: 2, ratePerSecond: 10, burst: 3 });
    expect(await store.give('s', 5)).toEqual({ tokens: 3, ratePerSecond: 10, burst: 3 });
  });

  it('on a 429 of Square’s limit halves the rate once per Retry-After window, drops what was saved and pauses the seller’s calls for the Retry-After', async () => {
    let now = 0;
    const store = new LocalBucketStore(settings, () => now);
    await store.throttled('s', 1_000);
    // Further 429s within the window are the same throttling: they do not compound.
    await store.throttled('s', 1_000);
    await store.throttled('s', 1_000);
    expect(await store.peek('s')).toEqual({ tokens: 0, ratePerSecond: 5, burst: 3 });
    // New calls wait out the Retry-After, and nothing is saved up meanwhile.
    expect(await waits(store, 1)).toEqual([1_000]);
    now = 500;
    expect(await waits(store, 1)).toEqual([500]);
    now = 1_000;
    // Then one token at the new rate (recovering by 5% of the configured one a second): no burst.
    expect(await waits(store, 1)).toEqual([182]);
    now = 1_182;
    expect(await waits(store, 1)).toEqual([0]);
    // A 429 within the window after the pause (one Retry-After more) neither halves nor pauses again.
    now = 1_500;
    await store.throttled('s', 1_000);
    expect(await waits(store, 1)).toEqual([0]);
    expect((await store.peek('s')).ratePerSecond).toBeCloseTo(5.75, 5);
    // The rate recovers by 5% of the configured one a second.
    now = 2_200;
    expect((await store.peek('s')).ratePerSecond).toBeCloseTo(6.1, 5);
    now = 60_000;
    expect((await store.peek('s')).ratePerSecond).toBe(10);
  });

  it('against Square’s limit (it accepts as many calls after a decrease as before) keeps decreasing, down to a quarter of the rate', async () => {
    const { at, pass } = clock();
    const store = new LocalBucketStore(fast, () => at.now);
    // Square accepts 10 calls a window, however many are sent.
    const rates = await windows(store, 5, (sent) => sent - 10, pass);
    expect(rates.map(roughly)).toEqual([500, 250, 250, 250, 250]);
  });

  it('in a storm (Square refuses half of the calls whatever the rate) goes back to the rate it had, gives refused calls their token back, and stays', async () => {
    const { at, pass } = clock();
    const store = new LocalBucketStore(fast, () => at.now);
    const rates = await windows(store, 6, (sent) => Math.round(sent / 2), pass);
    // Two decreases, the second of which lost as many of Square's answers as it saved attempts: back to the full rate.
    expect(rates.map(roughly)).toEqual([500, 250, 1000, 1000, 1000, 1000]);
    // A window of the storm decreases nothing and keeps what was saved up; each refused call's token comes back.
    const saved = (await store.peek('s')).tokens;
    await store.throttled('s', 100);
    await store.throttled('s', 100);
    expect(await store.peek('s')).toEqual({ tokens: saved + 2, ratePerSecond: 1000, burst: 1000 });
    // Nor does it pause the seller's calls.
    expect(await waits(store, 1)).toEqual([0]);
  });

  it('in a storm that chance hid from the window at the lowest rate, goes back once a later window at that rate shows it', async () => {
    const { at, pass } = clock();
    const store = new LocalBucketStore(fast, () => at.now);
    let window = 0;
    // Square refuses half of the calls, but only 35% of those of the window at a quarter of the rate.
    const rates = await windows(store, 5, (sent) => Math.round(sent * (++window === 2 ? 0.35 : 0.5)), pass);
    expect(rates.map(roughly)).toEqual([500, 250, 250, 1000, 1000]);
  });

  it('below Square’s limit (429s of bunched calls, fewer at a lower rate) is no storm: keeps decreasing', async () => {
    const { at, pass } = clock();
    const store = new LocalBucketStore(fast, () => at.now);
    // Square accepts fewer calls at a lower rate, but refuses a smaller share of them too.
    const rates = await windows(store, 4, (sent) => Math.round((sent * sent) / 250), pass);
    expect(rates.map(roughly)).toEqual([500, 250, 250, 250]);
  });

  it('forgets what it learned of a storm after 10 s without a 429', async () => {
    const { at, pass } = clock();
    const store = new LocalBucketStore(fast, () => at.now);
    await windows(store, 3, (sent) => Math.round(sent / 2), pass);
    at.now += 11_000;
    await store.throttled('s', 100);
    expect((await store.peek('s')).ratePerSecond).toBe(500);
  });
});

describe('the queue of a seller’s calls', () => {
  const deadline = (ms: number) => performance.now() + ms;
  const live = new AbortController().signal;

  it('lets calls that lead to more calls go first', async () => {
    const store = new LocalBucketStore({ ratePerSecond: 1000, burst: 1 });
    const budget = new SquareBudget(store, store);
    const order: string[] = [];
    await budget.acquire('s', 'leaf', live, deadline(5_000)); // spends the burst: the next ones queue
    const waiting = [
      budget.acquire('s', 'leaf', live, deadline(5_000)).then(() => order.push('ListCards A')),
      budget.acquire('s', 'leaf', live, deadline(5_000)).then(() => order.push('ListCards B')),
      budget.acquire('s', 'first', live, deadline(5_000)).then(() => order.push('SearchOrders')),
    ];
    await Promise.all(waiting);
    expect(order).toEqual(['SearchOrders', 'ListCards A', 'ListCards B']);
  });

  it('lets background calls spend only what leaves half the burst, and puts every interactive call ahead of them at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const at = { now: 0 };
      const store = new LocalBucketStore({ ratePerSecond: 1, burst: 4 }, () => at.now);
      const budget = new SquareBudget(store, store);
      const far = Number.MAX_SAFE_INTEGER;
      await budget.acquire('s', 'background', live, far);
      await budget.acquire('s', 'background', live, far);
      let backgroundMade = false;
      const background = budget.acquire('s', 'background', live, far).then(() => (backgroundMade = true));
      // The queue sleeps until the background call may go (no timer runs here unless the test runs it).
      await vi.advanceTimersByTimeAsync(0);
      // The reserve (2 of 4) is the interactive calls': one is made at once, ahead of the waiting background call
      // (its joining ends the queue's sleep), both whether it comes then or while the queue asks the store.
      await budget.acquire('s', 'leaf', live, far);
      const racing = budget.acquire('s', 'background', live, far);
      await budget.acquire('s', 'first', live, far);
      expect(backgroundMade).toBe(false);
      expect((await store.peek('s')).tokens).toBe(0);
      // A token a second: each background call waits until two would be left after it.
      at.now += 3_000;
      await vi.runOnlyPendingTimersAsync();
      await background;
      at.now += 1_000;
      await vi.runOnlyPendingTimersAsync();
      await racing;
      expect((await store.peek('s')).tokens).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses at once a call that could not be made before its request’s deadline', async () => {
    const store = new LocalBucketStore({ ratePerSecond: 0.1, burst: 1 });
    const budget = new SquareBudget(store, store);
    await budget.acquire('s', 'leaf', live, deadline(1_000));
    // At once: before the deadline's own time has passed, however slow the machine, not when it passes.
    const refusal = budget.acquire('s', 'leaf', live, deadline(1_000)).catch((error: unknown) => error);
    const first = await Promise.race([refusal, new Promise((resolve) => setTimeout(() => resolve('the deadline passed first'), 1_000))]);
    expect(first).toMatchObject({ reason: 'spent', retryAfterSeconds: 10 });
  });

  it('refuses at once the calls too far back in the queue to be made before their deadline, and makes the others', async () => {
    const store = new LocalBucketStore({ ratePerSecond: 10, burst: 1 });
    const budget = new SquareBudget(store, store);
    await budget.acquire('s', 'leaf', live, deadline(1_000));
    // A token every 100 ms: five calls with all the time they need, then twenty that must be made within 300 ms, behind them.
    const settled: string[] = [];
    const call = (name: string, ms: number) =>
      budget.acquire('s', 'leaf', live, deadline(ms)).then(
        () => void settled.push(`${name} made`),
        (refusal: unknown) => void settled.push(`${name} ${refusal instanceof BudgetRefusal ? refusal.reason : String(refusal)}`),
      );
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => call(`front ${i}`, 60_000)),
      ...Array.from({ length: 20 }, (_, i) => call(`back ${i}`, 300)),
    ]);
    // Those behind hear at once, before the first token goes to the front: the order, not the clock, tells it.
    expect(settled).toEqual([...Array.from({ length: 20 }, (_, i) => `back ${i} spent`), ...Array.from({ length: 5 }, (_, i) => `front ${i} made`)]);
  });

  it('drops a waiting call whose client went away', async () => {
    const store = new LocalBucketStore({ ratePerSecond: 0.5, burst: 1 });
    const budget = new SquareBudget(store, store);
    await budget.acquire('s', 'leaf', live, deadline(10_000));
    const client = new AbortController();
    const waiting = budget.acquire('s', 'leaf', client.signal, deadline(10_000));
    client.abort();
    await expect(waiting).rejects.toMatchObject({ reason: 'gone' });
  });

  it('answers from this instance’s own bucket while the shared store fails', async () => {
    const failing: BucketStore = {
      take: async () => Promise.reject(new Error('redis down')),
      give: async () => Promise.reject(new Error('redis down')),
      throttled: async () => Promise.reject(new Error('redis down')),
      peek: async () => Promise.reject(new Error('redis down')),
    };
    const errors: unknown[] = [];
    const budget = new SquareBudget(failing, new LocalBucketStore(settings), (e) => errors.push(e));
    await budget.acquire('s', 'leaf', live, deadline(1_000));
    expect(errors).toHaveLength(1);
  });
});

describe.skipIf(!REDIS_URL)('one budget for every instance, in Redis', () => {
  const prefix = testPrefix();
  const clients: Redis[] = [];
  const instance = () => {
    const redis = new Redis(REDIS_URL!);
    clients.push(redis);
    return new RedisBucketStore(redis, { ratePerSecond: 0.01, burst: 10 }, prefix);
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('grants the burst once across two instances, and a 429 one of them heard pauses and slows both', async () => {
    const [a, b] = [instance(), instance()];
    const waits = [];
    for (let i = 0; i < 10; i++) waits.push((await (i % 2 ? a : b).take('seller')).wait, (await (i % 2 ? b : a).take('seller')).wait);
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    expect(waits.slice(-1)[0]).toBeGreaterThan(60_000);

    await a.throttled('other seller', 5_000);
    const { wait, status } = await b.take('other seller');
    // Paused for the Retry-After, at half the rate after it.
    expect(wait).toBeGreaterThan(4_000);
    expect(wait).toBeLessThanOrEqual(5_000);
    expect(status).toMatchObject({ tokens: 0, burst: 10 });
    expect(status.ratePerSecond).toBeCloseTo(0.005, 3);
  });

  it('keeps half the burst from background calls, for every instance', async () => {
    const [a, b] = [instance(), instance()];
    const taken = [];
    for (let i = 0; i < 6; i++) taken.push((await (i % 2 ? a : b).take('background seller', 1, undefined, BACKGROUND_RESERVE)).wait);
    // A burst of 10: five background calls leave the five kept for interactive ones.
    expect(taken.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(taken[5]).toBeGreaterThan(0);
    // What an interactive call may still take.
    expect((await a.take('background seller')).wait).toBe(0);
  });

  it('keeps the same arithmetic as this process’s bucket, through a storm', async () => {
    const client = new Redis(REDIS_URL!);
    clients.push(client);
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    // Windows long enough for a loaded machine to make its calls within them.
    const slow = { ratePerSecond: 200, burst: 200 };
    // Half of the calls refused, then a share that wanders, as on so few calls it does: a window at the lowest rate that
    // hides the storm (see above), then ones that show it only beside the window before the last decrease.
    const shares = [0.5, 0.35, 0.45, 0.45, 0.45];
    const drive = (store: BucketStore) => {
      let window = 0;
      return windows(store, shares.length, (sent) => Math.round(sent * shares[window++]!), sleep, 400);
    };
    const [inRedis, here] = [await drive(new RedisBucketStore(client, slow, prefix)), await drive(new LocalBucketStore(slow))];
    // Rates recover by 10 a second here, so a window a quarter-second longer on a busy machine moves one by 2.5: compared
    // within 7.5, what is compared is the decisions (halved, held at the floor, back to the full rate once a storm), not the timing.
    const farthest = (rates: number[], from: number[]) => Math.max(...rates.map((rate, i) => Math.abs(rate - from[i]!)));
    expect(farthest(inRedis, here), `${inRedis} in Redis, ${here} here`).toBeLessThanOrEqual(7.5);
    expect(farthest(here, [105, 60, 55, 200, 200]), `${here}`).toBeLessThanOrEqual(7.5);
  });
});

describe('Square calls through the budget', () => {
  const stack = useGateway();
  const faults = (body: unknown) =>
    fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const emulatorLimit = (body: unknown) =>
    fetch(`${stack.emulatorUrl}/_emulator/rate-limit`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  beforeAll(async () => {
    await arrangeMerchant(stack.square(), { customers: 6, ordersPerCustomer: 1 });
  });
  afterEach(async () => {
    await fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
    await fetch(`${stack.emulatorUrl}/_emulator/rate-limit`, { method: 'DELETE' });
  });
  const gatewayWith = async (options: Parameters<typeof createTestGateway>[1]) => {
    const gateway = createTestGateway(stack.emulatorUrl, options);
    return { gateway, url: await gateway.listen() };
  };
  const overview = (url: string, signal?: AbortSignal) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CUSTOMER_OVERVIEW, variables: { first: 6, ordersFirst: 5 } }),
      signal,
    });
  const statuses = async () => {
    const { requests } = (await (await fetch(`${stack.emulatorUrl}/_emulator/requests`)).json()) as { requests: Array<{ status: number }> };
    return requests.map((r) => r.status);
  };

  it('keeps a seller within Square’s rate limit when the budget stays under it: no 429, every field answered', async () => {
    // The query's calls at once would be more than Square's burst; within the budget they never are. Calls paid for
    // at the budget's pace can reach Square closer together, by as much as the machine delays one and not the next:
    // Square's burst holds (10 - 1) / 5 = 1.8 s of such delay, which a busy machine stays within.
    await emulatorLimit({ rate_per_second: 20, burst: 10 });
    const { gateway, url } = await gatewayWith({ budget: { ratePerSecond: 5, burst: 1 } });
    try {
      await stack.clearCalls();
      const result = (await (await overview(url)).json()) as { errors?: unknown[]; data: { customers: { edges: unknown[] } } };
      expect(result.errors).toBeUndefined();
      expect(result.data.customers.edges).toHaveLength(6);
      const seen = await statuses();
      expect(seen.length).toBeGreaterThan(10);
      expect(seen.filter((s) => s === 429)).toEqual([]);
    } finally {
      await gateway.close();
    }
  });

  it('on Square’s 429 waits the Retry-After and retries, within the budget', async () => {
    const { gateway, url } = await gatewayWith({ maxRetries: 2 });
    try {
      await faults({ method: 'GET', path: '/v2/customers', status: 429, retry_after_seconds: 1, count: 1 });
      await stack.clearCalls();
      const started = performance.now();
      const result = (await (await overview(url)).json()) as { errors?: unknown[] };
      expect(result.errors).toBeUndefined();
      expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
      expect((await statuses()).slice(0, 2)).toEqual([429, 200]);
    } finally {
      await gateway.close();
    }
  });

  it('fails fast with RATE_LIMITED the fields the budget cannot pay for before the deadline, and keeps the rest', async () => {
    // A token every 100 s, and 20 s to spend: the calls past the burst cannot be made in time, and are refused at once.
    const deadlineMs = 20_000;
    const { gateway, url } = await gatewayWith({ budget: { ratePerSecond: 0.01, burst: 3 }, deadlineMs });
    try {
      await stack.clearCalls();
      const started = performance.now();
      const result = (await (await overview(url)).json()) as {
        errors: Array<{ path: Array<string | number>; extensions: { code: string } }>;
        data: { customers: { edges: Array<{ node: { givenName: string } }> } };
      };
      // Answered before the deadline: had the refused calls waited, it would have come at the deadline.
      expect(performance.now() - started).toBeLessThan(deadlineMs);
      expect(result.data.customers.edges).toHaveLength(6);
      expect(result.data.customers.edges.every((e) => typeof e.node.givenName === 'string')).toBe(true);
      expect(result.errors.length).toBeGreaterThan(0);
      expect(new Set(result.errors.map((e) => e.extensions.code))).toEqual(new Set(['RATE_LIMITED']));
      expect((await stack.calls()).length).toBe(3);
    } finally {
      await gateway.close();
    }
  });

  it('times each attempt from when it is sent: waits for the seller’s budget and a Retry-After longer than SQUARE_TIMEOUT_SECONDS are no timeout', async () => {
    // Two seconds an attempt: room for a busy machine to answer each one, less than the waits below.
    const { gateway, url } = await gatewayWith({ budget: { ratePerSecond: 5, burst: 1 }, timeoutSeconds: 2, deadlineMs: 20_000, maxRetries: 1 });
    try {
      await faults({ method: 'GET', path: '/v2/customers', status: 429, retry_after_seconds: 3, count: 1 });
      await stack.clearCalls();
      const result = (await (await overview(url)).json()) as { errors?: unknown[] };
      expect(result.errors).toBeUndefined();
      const seen = await statuses();
      // The list waited three seconds before its retry; a call at place 11 or later in the queue waits more than two seconds for its token.
      expect(seen.length).toBeGreaterThan(12);
      expect(seen.slice(0, 2)).toEqual([429, 200]);
      expect(seen.slice(1).every((s) => s === 200)).toBe(true);
    } finally {
      await gateway.close();
    }
  });

  it('makes no Square call for a request whose deadline passed before its first one', async () => {
    const budget = new SquareBudget(new LocalBucketStore({ ratePerSecond: 100, burst: 100 }), new LocalBucketStore({ ratePerSecond: 100, burst: 100 }));
    const context = await contextFactory({
      connection: { baseUrl: stack.emulatorUrl, timeoutInSeconds: 5, squareVersion: SQUARE_VERSION },
      authMode: 'server',
      scopes: SCOPES,
      serverToken: SERVER_TOKEN,
      budget,
      maxRetries: 0,
      deadlineMs: 50,
      locationsCache: new LocationsCache(60_000),
      createLoaders,
      logger: createLogger({ level: 'silent', format: 'json' }),
      episodes: new SquareEpisodes(),
    })({ request: new Request('http://gateway.test/graphql', { method: 'POST' }) });
    await stack.clearCalls();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(context.square.customers.list()).rejects.toMatchObject({ statusCode: 504 });
    expect(await stack.calls()).toEqual([]);
  });

  it('makes no Square call for a request whose client went away', async () => {
    // A token every two seconds: the client leaves once the first call is made, long before the next could be.
    const { gateway, url } = await gatewayWith({ budget: { ratePerSecond: 0.5, burst: 1 }, deadlineMs: 20_000 });
    try {
      await stack.clearCalls();
      const client = new AbortController();
      const asked = overview(url, client.signal).catch(() => undefined);
      await expect.poll(async () => (await stack.calls()).length).toBeGreaterThanOrEqual(1);
      client.abort();
      await asked;
      const before = (await stack.calls()).length;
      expect(before).toBeLessThanOrEqual(2);
      // Past the next token: a call still waiting for it would have been made by now.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect((await stack.calls()).length).toBe(before);
    } finally {
      await gateway.close();
    }
  });

  describe('retries', () => {
    const client = (maxRetries: number) => {
      const budget = new SquareBudget(new LocalBucketStore({ ratePerSecond: 1000, burst: 1000 }), new LocalBucketStore(settings));
      const fetch = budgetedFetch(squareFetch, {
        budget,
        seller: 'seller',
        signal: new AbortController().signal,
        deadline: performance.now() + 10_000,
        maxRetries,
        attemptTimeoutMs: 5_000,
      });
      return new SquareClient({ token: SERVER_TOKEN, baseUrl: stack.emulatorUrl, maxRetries: 0, fetch });
    };

    it('repeats a read after a 5xx', async () => {
      const [customer] = (await stack.square().customers.list()).data;
      await faults({ method: 'GET', path: '/v2/customers/*', status: 500, count: 1 });
      await stack.clearCalls();
      expect((await client(2).customers.get({ customerId: customer!.id! })).customer?.id).toBe(customer!.id);
      expect(await statuses()).toEqual([500, 200]);
    });

    it('never repeats a write that is not safe to repeat', async () => {
      const created = await stack.square().customers.create({ givenName: 'Once', idempotencyKey: crypto.randomUUID() });
      await faults({ method: 'DELETE', path: '/v2/customers/*', status: 500, count: 1 });
      await stack.clearCalls();
      await expect(client(2).customers.delete({ customerId: created.customer!.id! })).rejects.toMatchObject({ statusCode: 500 });
      expect(await statuses()).toEqual([500]);
    });

    it('repeats a write that carries an idempotency key', async () => {
      await faults({ method: 'POST', path: '/v2/customers', status: 503, count: 1 });
      await stack.clearCalls();
      const created = await client(1).customers.create({ givenName: 'Keyed', idempotencyKey: crypto.randomUUID() });
      expect(created.customer?.givenName).toBe('Keyed');
      expect(await statuses()).toEqual([503, 200]);
    });
  });
});

const CUSTOMER_OVERVIEW = (await import('graphql')).print(CustomerOverviewDocument);
