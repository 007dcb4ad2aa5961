import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Gateway } from '../../src/gateway/server.js';
import { SqliteEventStore, type EventStore } from '../../src/store/index.js';
import { CachedCustomerDocument } from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { trackWebhooks } from '../support/cache.js';
import { key } from '../support/fixtures.js';
import { createTestGateway, SERVER_TOKEN, useGateway, type TestGatewayOptions } from '../support/gateway.js';
import { newCustomer } from '../support/payments.js';
import { REDIS_SERVER, startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { subscribeSse, type SseSubscription } from '../support/sse.js';
import { WAIT } from '../support/waiting.js';

/** Each request's deadline here: short, so that "answered within it" means something. */
const DEADLINE_MS = 8_000;
const PAYMENT_UPDATED = print(graphql(`subscription RedisOutagePayments { paymentUpdated { squareId } }`));

const readyz = async (graphqlUrl: string) => {
  const response = await fetch(new URL('/readyz', graphqlUrl));
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string>; degraded?: Record<string, string> } };
};

/**
 * Two instances, A (receiving the emulator's webhooks) and B (its own store, no webhooks),
 * sharing a redis-server of this file's own for the budget, the cache and live updates:
 * one the tests freeze (SIGSTOP) as a hung or black-holed server behaves.
 */
describe.skipIf(!REDIS_SERVER)('a Redis that stops answering', () => {
  // The Redis is this file's own: the prefix only tells the gateways' keys apart from none.
  const prefix = 'outage:';
  let redis: PrivateRedis;
  // Filled in before useGateway's own beforeAll reads it: the private Redis's port is known only once it runs.
  const settings: TestGatewayOptions & { webhooks: true } = { webhooks: true, pubsubPrefix: prefix, cacheTtlMs: 60_000, deadlineMs: DEADLINE_MS };
  beforeAll(async () => {
    redis = await startPrivateRedis();
    settings.redisUrl = redis.url;
  });
  const stack = useGateway(settings);
  let b: Gateway;
  let bUrl: string;
  let bStore: EventStore;
  let settled: () => Promise<string[]>;
  beforeAll(async () => {
    settled = trackWebhooks(stack);
    bStore = new SqliteEventStore(':memory:');
    b = createTestGateway(stack.emulatorUrl, settings, bStore);
    bUrl = await b.listen();
    for (const url of [stack.url, bUrl]) await vi.waitUntil(async () => (await readyz(url)).status === 200, WAIT);
  });
  afterAll(async () => {
    redis?.thaw();
    await b?.close();
    await bStore?.close();
    await redis?.stop();
  });

  /** A query read through the cache and paid from the budget, on `url`: its time, and what it answered. */
  const read = async (url: string, id: string) => {
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: print(CachedCustomerDocument), variables: { id } }),
        // Well past the deadline: a request still unanswered then is what the gateway must never do.
        signal: AbortSignal.timeout(DEADLINE_MS + 5_000),
      });
      const body = (await response.json()) as { data?: { customer?: { givenName?: string } }; errors?: unknown[] };
      return { ms: performance.now() - started, givenName: body.data?.customer?.givenName, errors: body.errors };
    } catch (error) {
      return { ms: performance.now() - started, givenName: undefined, errors: [String(error)] };
    }
  };

  it('answers every request within its deadline while Redis is frozen, says why in /readyz, and goes back to Redis when it answers', async () => {
    const customerId = await newCustomer(stack.square(), 'Frozen');
    expect((await read(stack.url, customerId)).givenName).toBe('Frozen');
    // Four clients, each asking again as soon as answered, alternately of A and B.
    let loaded = true;
    const answers: Array<Awaited<ReturnType<typeof read>>> = [];
    const clients = [0, 1, 2, 3].map(async (client) => {
      for (let i = client; loaded; i++) answers.push(await read(i % 2 === 0 ? stack.url : bUrl, customerId));
    });
    try {
      await expect.poll(() => answers.length).toBeGreaterThanOrEqual(8);
      redis.freeze();
      const frozenAt = answers.length;
      await expect.poll(() => answers.length).toBeGreaterThanOrEqual(frozenAt + 20);
      for (const url of [stack.url, bUrl]) {
        const unready = await vi.waitUntil(async () => {
          const answer = await readyz(url);
          return answer.body.degraded?.budget !== undefined && answer.body.degraded.cache !== undefined && answer;
        }, WAIT);
        expect(unready.status).toBe(503);
        expect(unready.body.checks.redis).toBe('timed out');
        expect(unready.body.degraded).toMatchObject({ budget: 'timed out', cache: 'timed out' });
      }
    } finally {
      redis.thaw();
    }
    for (const url of [stack.url, bUrl]) {
      const ready = await vi.waitUntil(async () => {
        const answer = await readyz(url);
        return answer.status === 200 && answer;
      }, WAIT);
      expect(ready.body).toEqual({ status: 'ready', checks: { eventStore: 'ok', redis: 'ok', square: 'ok' } });
    }
    loaded = false;
    await Promise.all(clients);
    // Whole answers: a field still waiting on Redis at the deadline would have failed instead. Each use pays one
    // command timeout (1 s) at most before its breaker opens: the cache's lookup, then the budget's.
    expect(answers.filter((a) => a.givenName !== 'Frozen' || a.errors)).toEqual([]);
    const slowest = Math.max(...answers.map((a) => a.ms));
    console.log(`redis frozen: ${answers.length} answers, slowest ${Math.round(slowest)} ms (deadline ${DEADLINE_MS} ms)`);

    // Back on Redis: a read spends the shared budget and fills the shared cache again.
    await redis.client.flushall();
    expect((await read(bUrl, customerId)).givenName).toBe('Frozen');
    const keys = await vi.waitUntil(async () => {
      const found = await redis.client.keys(`${prefix}*`);
      return found.some((k) => k.startsWith(`${prefix}square-budget:`)) && found.some((k) => k.startsWith(`${prefix}cache:`)) && found;
    }, WAIT);
    expect(keys.length).toBeGreaterThan(1);
  });

  /** Payments straight through Square (the emulator), whose webhooks A receives and applies. */
  const pay = async () => {
    const { payment } = await stack
      .square(SERVER_TOKEN)
      .payments.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', amountMoney: { amount: 500n, currency: 'USD' } });
    return payment!.id!;
  };
  const merchantOf = async () => (await stack.square().locations.list()).locations![0]!.merchantId!;
  /** Once A applied every event of the payments: their SSE ids, in order. */
  const appliedOf = async (sequence: number, paymentIds: string[]) => {
    await settled();
    return (await stack.store!.appliedAfter(await merchantOf(), sequence, 1000))
      .filter((e) => paymentIds.includes((JSON.parse(e.rawBody) as { data: { id: string } }).data.id))
      .map((e) => String(e.sequence));
  };
  /** Messages until `ids` all came (gaps aside): the SSE ids in the order received. */
  const idsUntil = async (subscription: SseSubscription, ids: string[]) => {
    const received: string[] = [];
    while (!ids.every((id) => received.includes(id))) {
      const message = await subscription.next();
      if (message.errors?.[0]?.extensions?.code === 'LIVE_UPDATES_GAP') continue;
      expect(message.errors).toBeUndefined();
      received.push(subscription.lastEventId!);
    }
    return received;
  };

  it('delivers the applying instance’s events to its subscribers while Redis is frozen, and tells the others’ of the gap', async () => {
    const merchantId = await merchantOf();
    const topic = `${prefix}square:${merchantId}`;
    const onA = await subscribeSse(stack.url, PAYMENT_UPDATED);
    const onB = await subscribeSse(bUrl, PAYMENT_UPDATED);
    await expect.poll(async () => ((await redis.client.pubsub('NUMSUB', topic)) as [string, number])[1]).toBeGreaterThanOrEqual(2);
    const start = (await stack.store!.appliedAfter(merchantId, 0, 10_000)).at(-1)?.sequence ?? 0;
    let duringOutage: string[];
    let onAHeard: string[];
    redis.freeze();
    try {
      duringOutage = await appliedOf(start, [await pay(), await pay()]);
      expect(duringOutage.length).toBeGreaterThanOrEqual(2);
      onAHeard = await idsUntil(onA, duringOutage);
      // B's connection to Redis hangs: it cannot hear of A's events, and says so.
      const gap = await onB.next();
      expect(gap.data).toBeNull();
      expect(gap.errors?.[0]?.extensions?.code).toBe('LIVE_UPDATES_GAP');
      expect(onB.lastEventId).toBeUndefined();
    } finally {
      redis.thaw();
    }
    // Every event A applied reached A's subscriber while Redis hung, in order, once (its own copy back from Redis ignored).
    expect(onAHeard).toEqual(duringOutage);

    // Redis answers again: an event applied by A reaches B's subscriber through it.
    await expect.poll(async () => [(await readyz(bUrl)).status, (await readyz(stack.url)).status]).toEqual([200, 200]);
    const afterIds = await appliedOf(start, [await pay()]);
    expect(afterIds.length).toBeGreaterThan(0);
    await idsUntil(onB, afterIds);
    onAHeard.push(...(await idsUntil(onA, afterIds)));
    expect((await onB.drain(300)).every((m) => m.errors === undefined || m.errors[0]?.extensions?.code === 'LIVE_UPDATES_GAP')).toBe(true);
    // A's subscriber got nothing twice, outage or not.
    const rest = (await onA.drain(300)).filter((m) => m.errors === undefined);
    expect(rest).toEqual([]);
    expect(onAHeard).toEqual([...duringOutage, ...afterIds]);
    onA.close();
    onB.close();
  });
});
