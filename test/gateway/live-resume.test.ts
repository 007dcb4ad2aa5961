import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SquareClient } from 'square';
import { createEmulator } from '../../src/emulator/server.js';
import type { Gateway } from '../../src/gateway/server.js';
import type { EventStore } from '../../src/store/index.js';
import { graphql } from '../gql/index.js';
import { key } from '../support/fixtures.js';
import { createTestGateway, SERVER_TOKEN, useGateway, type TestStack } from '../support/gateway.js';
import { REDIS_URL, testPrefix } from '../support/redis.js';
import { subscribeSse, type SseSubscription } from '../support/sse.js';
import { DATABASE_URL, postgresLocation, type StoreLocation } from '../support/stores.js';
import { WAIT } from '../support/waiting.js';

const PAYMENT_UPDATED = print(graphql(`subscription LiveResumePayments { paymentUpdated { squareId } }`));

async function pay(stack: TestStack): Promise<string> {
  const { payment } = await stack.square().payments.create({
    idempotencyKey: key(),
    sourceId: 'cnon:card-nonce-ok',
    amountMoney: { amount: 100n, currency: 'USD' },
  });
  return payment!.id!;
}

const merchantOf = async (stack: TestStack) => (await stack.square().locations.list()).locations![0]!.merchantId!;

/** The payment events the store applied after `sequence`, in order: what a resuming subscriber must get, exactly. */
async function paymentEventsAfter(store: EventStore, merchantId: string, sequence: number) {
  const applied = await store.appliedAfter(merchantId, sequence, 1000);
  return applied.filter((e) => e.type.startsWith('payment.')).map((e) => ({ id: String(e.sequence), paymentId: JSON.parse(e.rawBody).data.id as string }));
}

/** Messages until `count` came, each with its SSE id. */
async function receive(subscription: SseSubscription, count: number) {
  const messages: Array<{ id: string | undefined; paymentId: string }> = [];
  while (messages.length < count) {
    const message = await subscription.next();
    expect(message.errors).toBeUndefined();
    messages.push({ id: subscription.lastEventId, paymentId: message.data.paymentUpdated.squareId });
  }
  return messages;
}

/**
 * A subscriber receives a payment's events, goes away while more payments are made, and
 * comes back on `resumeUrl` with the last id it saw: it gets exactly the events it missed,
 * in order, then a live one, and nothing twice.
 */
async function disconnectAndResume(stack: TestStack, store: EventStore, resumeUrl: string) {
  const merchantId = await merchantOf(stack);
  const first = await subscribeSse(stack.url, PAYMENT_UPDATED);
  const before = await pay(stack);
  const seenBefore = await vi.waitUntil(async () => {
    const events = await paymentEventsAfter(store, merchantId, 0);
    return events.some((e) => e.paymentId === before) && events;
  }, WAIT);
  const ownEvents = seenBefore.filter((e) => e.paymentId === before);
  const heard = await receive(first, ownEvents.length);
  expect(heard.map((m) => m.paymentId)).toEqual(ownEvents.map(() => before));
  const lastId = first.lastEventId!;
  expect(lastId).toBe(ownEvents.at(-1)!.id);
  first.close();

  const missedPayments = [await pay(stack), await pay(stack)];
  const missed = await vi.waitUntil(async () => {
    const events = await paymentEventsAfter(store, merchantId, Number(lastId));
    return missedPayments.every((id) => events.some((e) => e.paymentId === id)) && events;
  }, WAIT);

  const resumed = await subscribeSse(resumeUrl, PAYMENT_UPDATED, {}, { headers: { 'last-event-id': lastId } });
  expect(await receive(resumed, missed.length)).toEqual(missed);
  const live = await pay(stack);
  const [next] = await receive(resumed, 1);
  expect(next!.paymentId).toBe(live);
  expect(Number(next!.id)).toBeGreaterThan(Number(missed.at(-1)!.id));
  // Nothing further: every missed event came once, and the live one after them.
  const rest = await resumed.drain(300);
  expect(rest.every((m) => m.data.paymentUpdated.squareId === live)).toBe(true);
  resumed.close();
}

describe('resuming live updates (SQLite store)', () => {
  const stack = useGateway({ webhooks: true });

  it('replays exactly the events missed since Last-Event-ID, then continues live', async () => {
    await disconnectAndResume(stack, stack.store!, stack.url);
  });

  it('takes the last id as a query parameter, for clients that cannot set headers', async () => {
    const merchantId = await merchantOf(stack);
    const paymentId = await pay(stack);
    const events = await vi.waitUntil(async () => {
      const all = await paymentEventsAfter(stack.store!, merchantId, 0);
      return all.some((e) => e.paymentId === paymentId) && all;
    }, WAIT);
    const before = events.findIndex((e) => e.paymentId === paymentId);
    const after = before === 0 ? '0' : events[before - 1]!.id;
    const resumed = await subscribeSse(`${stack.url}?lastEventId=${after}`, PAYMENT_UPDATED);
    expect(await receive(resumed, events.length - before)).toEqual(events.slice(before));
    resumed.close();
  });

  it('refuses a malformed Last-Event-ID with BAD_USER_INPUT', async () => {
    const subscription = await subscribeSse(stack.url, PAYMENT_UPDATED, {}, { headers: { 'last-event-id': 'yesterday' } });
    expect((await subscription.next()).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    subscription.close();
  });

  describe('past the replay window', () => {
    let narrow: Gateway;
    let narrowUrl: string;
    beforeAll(async () => {
      narrow = createTestGateway(stack.emulatorUrl, { gateway: { liveReplayMaxEvents: 1, liveReplayWindowSeconds: 3600 } }, stack.store);
      narrowUrl = await narrow.listen();
    });
    afterAll(() => narrow?.close());

    it('answers REPLAY_WINDOW_EXCEEDED when more events were missed than the window holds', async () => {
      const merchantId = await merchantOf(stack);
      const start = (await stack.store!.appliedAfter(merchantId, 0, 10_000)).at(-1)?.sequence ?? 0;
      await pay(stack);
      await pay(stack);
      await expect.poll(async () => (await stack.store!.appliedAfter(merchantId, start, 10)).length).toBeGreaterThanOrEqual(2);
      const subscription = await subscribeSse(narrowUrl, PAYMENT_UPDATED, {}, { headers: { 'last-event-id': String(start) } });
      const message = await subscription.next();
      expect(message.errors?.[0]?.extensions?.code).toBe('REPLAY_WINDOW_EXCEEDED');
      await expect(subscription.next()).rejects.toThrow(/ended/);
    });
  });
});

describe.skipIf(!DATABASE_URL || !REDIS_URL)('resuming on another instance (PostgreSQL store, Redis pub/sub)', () => {
  const location: StoreLocation = postgresLocation();
  const prefix = testPrefix();
  const stores: EventStore[] = [];
  // Instance A receives the emulator's webhooks; B shares its database and Redis, and a subscriber resumes there.
  const stack = {} as TestStack & { b: Gateway; bUrl: string };
  beforeAll(async () => {
      const emulator = await createEmulator({ seed: false });
    const emulatorUrl = await emulator.listen();
    const [storeA, storeB] = [await location.open(), await location.open()];
    stores.push(storeA, storeB);
    const a = createTestGateway(emulatorUrl, { redisUrl: REDIS_URL, pubsubPrefix: prefix }, storeA);
    const url = await a.listen();
    emulator.ctx.webhooks.configure({ url: a.webhooks!.notificationUrl(), signatureKey: 'test-webhook-signature-key', retryBaseMs: 50 });
    stack.b = createTestGateway(emulatorUrl, { redisUrl: REDIS_URL, pubsubPrefix: prefix }, storeB);
    stack.bUrl = await stack.b.listen();
      Object.assign(stack, {
      emulator,
      emulatorUrl,
      gateway: a,
      url,
      store: storeA,
      square: (token = SERVER_TOKEN) => new SquareClient({ token, baseUrl: emulatorUrl }),
    });
  });
  afterAll(async () => {
    await stack.gateway?.close();
    await stack.b?.close();
    await stack.emulator?.close();
    await Promise.all(stores.map((store) => store.close()));
    await location.drop();
  });

  it('replays on B exactly the events A applied while the subscriber was away, then continues live', async () => {
    await disconnectAndResume(stack, stack.store!, stack.bUrl);
  });
});
