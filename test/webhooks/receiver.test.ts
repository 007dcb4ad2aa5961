import { randomUUID } from 'node:crypto';
import { SquareClient, WebhooksHelper } from 'square';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { createGateway, type Gateway } from '../../src/gateway/server.js';
import type { EventStore } from '../../src/store/index.js';
import { EventProcessor, MAX_WEBHOOK_BODY_BYTES, webhookSignature, type AppliedEvent } from '../../src/webhooks/index.js';
import { sqliteLocation, lineageOf, STORE_BACKENDS, type StoreLocation } from '../support/stores.js';
import { capturedLogs } from '../support/logs.js';
import { NO_SQUARE } from '../support/gateway.js';
import { WAIT } from '../support/waiting.js';

const KEY = 'test-signature-key';
const NOTIFICATION_URL = 'https://gateway.example.com/webhooks/square';

/** A gateway that receives webhooks into `store`; Square itself is never called here. */
function webhookGateway(store: EventStore, options: { notificationUrl?: string; path?: string } = {}): Gateway {
  return createGateway({
    ...NO_SQUARE,
    webhooks: { store, signatureKey: KEY, notificationUrl: NOTIFICATION_URL, ...options },
  });
}

/** Posts `raw` to a gateway's receiver, signed as Square signs it. */
function postSigned(base: string, raw: string): Promise<Response> {
  return fetch(`${base}/webhooks/square`, {
    method: 'POST',
    headers: { 'x-square-hmacsha256-signature': webhookSignature(KEY, NOTIFICATION_URL, Buffer.from(raw)) },
    body: raw,
  });
}

function event(type = 'customer.created', extra: Record<string, unknown> = {}) {
  return {
    merchant_id: 'MERCHANT1',
    type,
    event_id: randomUUID(),
    created_at: new Date().toISOString(),
    data: { type: type.split('.')[0], id: 'OBJECT1', object: {} },
    ...extra,
  };
}

function mergeEvent(fromIds: string[], toId: string, merchantId = 'MERCHANT1') {
  return event('customer.created', {
    merchant_id: merchantId,
    data: {
      type: 'customer',
      id: toId,
      object: { customer: { id: toId }, event_context: { merge: { from_customer_ids: fromIds, to_customer_id: toId } } },
    },
  });
}

describe('the webhook signature', () => {
  it("matches Square's check vector and the SDK's own verifier", async () => {
    const body = '{"hello":"world"}';
    expect(webhookSignature('asdf1234', 'https://example.com/webhook', Buffer.from(body))).toBe(
      '2kRE5qRU2tR+tBGlDwMEw2avJ7QM4ikPYD/PJ3bd9Og=',
    );
    const signatureHeader = webhookSignature(KEY, NOTIFICATION_URL, Buffer.from(body));
    expect(
      await WebhooksHelper.verifySignature({ requestBody: body, signatureHeader, signatureKey: KEY, notificationUrl: NOTIFICATION_URL }),
    ).toBe(true);
  });
});

describe('the webhook receiver', () => {
  let location: StoreLocation;
  let store: EventStore;
  let gateway: Gateway;
  let base: string;
  const applied: AppliedEvent[] = [];

  beforeAll(async () => {
    location = sqliteLocation();
    store = await location.open();
    gateway = webhookGateway(store);
    base = new URL(await gateway.listen()).origin;
    gateway.webhooks!.processor.onApplied((e) => void applied.push(e));
  });
  afterAll(async () => {
    await gateway?.close();
    await store?.close();
    await location?.drop();
  });
  afterEach(() => {
    applied.length = 0;
  });

  async function deliver(body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> | 'sign' = 'sign') {
    const signed =
      headers === 'sign'
        ? { 'x-square-hmacsha256-signature': webhookSignature(KEY, NOTIFICATION_URL, Buffer.from(body)) }
        : headers;
    const response = await fetch(`${base}/webhooks/square`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signed },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('stores a signed event before it answers 200, and then applies it', async () => {
    const merge = mergeEvent(['A1', 'B1'], 'C1');
    const raw = JSON.stringify(merge);
    const response = await deliver(raw);
    expect(response).toEqual({ status: 200, body: { received: true } });
    const stored = await store.event(merge.event_id);
    expect(stored).toMatchObject({ rawBody: raw, type: 'customer.created', merchantId: 'MERCHANT1' });
    await expect.poll(async () => (await store.event(merge.event_id))?.appliedAt).toBeTruthy();
    expect(await lineageOf(store, 'MERCHANT1', 'C1')).toEqual(['A1', 'B1']);
    expect(applied.map((e) => e.eventId)).toEqual([merge.event_id]);
    expect(applied[0]).toMatchObject({ merchantId: 'MERCHANT1', type: 'customer.created', body: merge });
  });

  it('applies an event whose first delivery was stored with its answer lost, when Square delivers it again', async () => {
    // As when the store's commit went through and the connection died before it said so: the first delivery got a 503.
    const e = event('payment.updated');
    const raw = JSON.stringify(e);
    expect(await store.recordEvent(e, raw)).toBe('new');
    expect(await deliver(raw)).toEqual({ status: 200, body: { received: true, duplicate: true } });
    await expect.poll(async () => (await store.event(e.event_id))?.appliedAt).toBeTruthy();
    expect(applied.map((a) => a.eventId)).toEqual([e.event_id]);
  });

  it('refuses the same event re-serialised with other whitespace (the signature covers the raw bytes)', async () => {
    const e = event();
    const compact = JSON.stringify(e);
    const pretty = JSON.stringify(e, null, 2);
    const response = await deliver(pretty, { 'x-square-hmacsha256-signature': webhookSignature(KEY, NOTIFICATION_URL, Buffer.from(compact)) });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('INVALID_SIGNATURE');
    expect(await store.event(e.event_id)).toBeUndefined();
  });

  it('refuses a missing signature, another key, another notification URL, and a truncated signature, storing nothing', async () => {
    const e = event();
    const raw = JSON.stringify(e);
    const wrong: Array<Record<string, string>> = [
      {},
      { 'x-square-hmacsha256-signature': '' },
      { 'x-square-hmacsha256-signature': webhookSignature('another-key', NOTIFICATION_URL, Buffer.from(raw)) },
      { 'x-square-hmacsha256-signature': webhookSignature(KEY, 'https://elsewhere.example.com/webhooks/square', Buffer.from(raw)) },
      { 'x-square-hmacsha256-signature': webhookSignature(KEY, NOTIFICATION_URL, Buffer.from(raw)).slice(0, -4) },
    ];
    for (const headers of wrong) {
      const response = await deliver(raw, headers);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: { code: 'INVALID_SIGNATURE', message: expect.any(String) } });
    }
    expect(await store.event(e.event_id)).toBeUndefined();
  });

  it('answers 413 to a body over 1 MiB, declared or streamed, and stores nothing', async () => {
    const e = event('customer.updated', { padding: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
    const raw = JSON.stringify(e);
    const declared = await deliver(raw);
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    // Chunked, without a content-length: the receiver counts as it reads.
    const bytes = Buffer.from(raw);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await fetch(`${base}/webhooks/square`, {
      method: 'POST',
      headers: { 'x-square-hmacsha256-signature': webhookSignature(KEY, NOTIFICATION_URL, bytes) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await store.event(e.event_id)).toBeUndefined();
  });

  it('accepts a body of exactly 1 MiB', async () => {
    const e = event('customer.updated', { padding: '' });
    const padding = MAX_WEBHOOK_BODY_BYTES - JSON.stringify(e).length;
    const raw = JSON.stringify({ ...e, padding: 'x'.repeat(padding) });
    expect(Buffer.byteLength(raw)).toBe(MAX_WEBHOOK_BODY_BYTES);
    expect((await deliver(raw)).status).toBe(200);
  });

  it('answers 400 with a clear error to signed bodies that are not a Square event', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['{"event_id": "x", ', 'MALFORMED_JSON', /not valid UTF-8 JSON/],
      ['', 'MALFORMED_JSON', /JSON/],
      ['[1,2]', 'INVALID_EVENT', /JSON object/],
      ['null', 'INVALID_EVENT', /JSON object/],
      [JSON.stringify({ ...event(), event_id: undefined }), 'INVALID_EVENT', /"event_id"/],
      [JSON.stringify({ ...event(), type: 42 }), 'INVALID_EVENT', /"type"/],
      [JSON.stringify({ ...event(), merchant_id: '' }), 'INVALID_EVENT', /"merchant_id"/],
    ];
    for (const [raw, code, message] of cases) {
      const response = await deliver(raw);
      expect(response.status, raw).toBe(400);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toMatch(message);
    }
    const invalidUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]);
    expect((await deliver(invalidUtf8)).body.error.code).toBe('MALFORMED_JSON');
    expect(await store.pendingEvents(10)).toEqual([]);
  });

  it('records and acknowledges an event type it does not know, as a no-op', async () => {
    const e = event('loyalty.account.created');
    expect(await deliver(JSON.stringify(e))).toEqual({ status: 200, body: { received: true } });
    await expect.poll(async () => (await store.event(e.event_id))?.appliedAt).toBeTruthy();
    expect(applied.map((a) => a.type)).toEqual(['loyalty.account.created']);
  });

  it('ignores a malformed merge context rather than failing on it', async () => {
    const e = event('customer.created', {
      data: { type: 'customer', id: 'Z', object: { event_context: { merge: { from_customer_ids: 'A', to_customer_id: 7 } } } },
    });
    expect((await deliver(JSON.stringify(e))).status).toBe(200);
    await expect.poll(async () => (await store.event(e.event_id))?.appliedAt).toBeTruthy();
    expect(await lineageOf(store, 'MERCHANT1', 'Z')).toEqual([]);

    // An id far longer than Square's, which PostgreSQL's index of merges might not hold, is as malformed.
    const long = mergeEvent(['A', 'x'.repeat(101)], 'Z');
    expect((await deliver(JSON.stringify(long))).status).toBe(200);
    await expect.poll(async () => (await store.event(long.event_id))?.appliedAt).toBeTruthy();
    expect(await lineageOf(store, 'MERCHANT1', 'Z')).toEqual([]);
  });

  it('acknowledges a redelivered event and applies it once', async () => {
    const merge = mergeEvent(['A2', 'B2'], 'C2');
    const raw = JSON.stringify(merge);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => deliver(raw)));
    const later = await deliver(raw);
    const answers = [...concurrent, later];
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
    expect(later.body).toEqual({ received: true, duplicate: true });
    await expect.poll(async () => (await store.event(merge.event_id))?.appliedAt).toBeTruthy();
    await gateway.webhooks!.processor.wake();
    expect(applied.filter((a) => a.eventId === merge.event_id)).toHaveLength(1);
    expect(await lineageOf(store, 'MERCHANT1', 'C2')).toEqual(['A2', 'B2']);
  });

  it('answers 503 when the event cannot be stored, so that Square delivers it again, and logs why with the request id', async () => {
    const logs = capturedLogs('info');
    const down: EventStore = Object.create(store, { recordEvent: { value: () => Promise.reject(new Error('disk full')) } });
    const failing = createGateway({ ...NO_SQUARE, logging: logs.logger, webhooks: { store: down, signatureKey: KEY, notificationUrl: NOTIFICATION_URL } });
    try {
      const raw = JSON.stringify(event());
      const response = await fetch(`${new URL(await failing.listen()).origin}/webhooks/square`, {
        method: 'POST',
        headers: { 'x-square-hmacsha256-signature': webhookSignature(KEY, NOTIFICATION_URL, Buffer.from(raw)), 'x-request-id': 'delivery-1' },
        body: raw,
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('STORE_UNAVAILABLE');
      await expect.poll(() => logs.lines().some((l) => l.msg === 'request')).toBe(true);
      expect(logs.lines().filter((l) => l.level === 50)).toEqual([
        expect.objectContaining({ requestId: 'delivery-1', msg: 'webhook event could not be stored:', err: expect.objectContaining({ message: 'disk full' }) }),
      ]);
    } finally {
      await failing.close();
    }
  });

  it('answers 405 to other methods on the webhook path and leaves /graphql alone', async () => {
    const response = await fetch(`${base}/webhooks/square`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    // A plain GET needs the CSRF header (src/gateway/csrf.ts).
    const graphql = await fetch(`${base}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(await graphql.json()).toMatchObject({ data: { __typename: 'Query' } });
  });
});

describe('processing across a restart', () => {
  for (const backend of STORE_BACKENDS) {
    it.skipIf(backend.skip)(`applies on ${backend.name} what was acknowledged but not applied before the crash`, async () => {
      const location = backend.fresh();
      try {
        const store = await location.open();
        const gateway = webhookGateway(store);
        const base = new URL(await gateway.listen()).origin;
        // The crash comes right after the acknowledgement: nothing gets applied in this life.
        await gateway.webhooks!.processor.stop();
        const events = [mergeEvent(['A', 'B'], 'C'), event('payment.updated'), mergeEvent(['C', 'D'], 'E')];
        for (const e of events) expect((await postSigned(base, JSON.stringify(e))).status).toBe(200);
        await gateway.close();
        await store.close();

        const reopened = await location.open();
        try {
          expect(await reopened.pendingEvents(10)).toHaveLength(3);
          expect(await lineageOf(reopened, 'MERCHANT1', 'E')).toEqual([]);
          const processor = new EventProcessor(reopened);
          const seen: string[] = [];
          processor.onApplied((e) => void seen.push(e.eventId));
          await processor.start();
          expect(seen).toEqual(events.map((e) => e.event_id));
          expect(await reopened.pendingEvents(10)).toEqual([]);
          expect(await lineageOf(reopened, 'MERCHANT1', 'E')).toEqual(['A', 'B', 'C', 'D']);
          expect(await reopened.mergedInto('MERCHANT1', 'A')).toBe('E');
          // Another start (or a second instance) finds nothing left to apply.
          await processor.start();
          expect(seen).toHaveLength(3);
        } finally {
          await reopened.close();
        }
      } finally {
        await location.drop();
      }
    });
  }

  for (const backend of STORE_BACKENDS) {
    it.skipIf(backend.skip)(`applies on ${backend.name} a signed merge event with U+0000 in its ids, and the 100 events after it`, async () => {
      const location = backend.fresh();
      const store = await location.open();
      const gateway = webhookGateway(store);
      try {
        const base = new URL(await gateway.listen()).origin;
        const poison = mergeEvent(['A\u0000', '\ud800'], 'C\u0000');
        poison.event_id = `\u0000${poison.event_id}`;
        const raw = JSON.stringify(poison);
        expect(raw).toContain('\\u0000');
        expect((await postSigned(base, raw)).status).toBe(200);
        // The longest ids accepted, all escaped, still fit PostgreSQL's index of merges.
        const widest = mergeEvent(['\ud800'.repeat(100)], '\u0000'.repeat(100), '\u0000'.repeat(255));
        expect((await postSigned(base, JSON.stringify(widest))).status).toBe(200);
        const good = Array.from({ length: 100 }, () => event('payment.updated'));
        for (const e of good) expect((await postSigned(base, JSON.stringify(e))).status).toBe(200);

        await expect.poll(async () => (await store.pendingEvents(1)).length).toBe(0);
        for (const e of good) expect((await store.event(e.event_id))?.appliedAt).toBeTruthy();
        expect(await store.event(poison.event_id)).toMatchObject({ rawBody: raw, attempts: 0, parkedAt: null, appliedAt: expect.any(String) });
        expect(await lineageOf(store, 'MERCHANT1', 'C\u0000')).toEqual(['A\u0000', '\ud800']);
        expect(await store.mergedInto('MERCHANT1', '\ud800')).toBe('C\u0000');
        expect(await lineageOf(store, '\u0000'.repeat(255), '\u0000'.repeat(100))).toEqual(['\ud800'.repeat(100)]);
        expect(await store.parkedEvents(10)).toEqual([]);
      } finally {
        await gateway.close();
        await store.close();
        await location.drop();
      }
    });

    it.skipIf(backend.skip)(
      `retries a failing event on ${backend.name} with backoff, parks it, applies every later event, and does not block on it after a restart`,
      async () => {
        const location = backend.fresh();
        let store = await location.open();
        try {
          const poison = mergeEvent(['A', 'B'], 'POISON');
          const good = Array.from({ length: 100 }, () => event('payment.updated'));
          for (const e of [poison, ...good]) await store.recordEvent(e, JSON.stringify(e));
          const attemptsAt: number[] = [];
          const refusing: EventStore = Object.create(store, {
            recordMerge: {
              value: (merchantId: string, fromIds: string[], toId: string, eventId: string) => {
                if (toId !== 'POISON') return store.recordMerge(merchantId, fromIds, toId, eventId);
                attemptsAt.push(Date.now());
                return Promise.reject(new Error('refused by the store'));
              },
            },
          });
          const logged: { warn: string[]; error: string[] } = { warn: [], error: [] };
          const logger = { warn: (...args: unknown[]) => logged.warn.push(args.join(' ')), error: (...args: unknown[]) => logged.error.push(args.join(' ')) };
          const processor = new EventProcessor(refusing, { logger, maxAttempts: 3, backoffMs: 200 });
          const seen: string[] = [];
          processor.onApplied((e) => void seen.push(e.eventId));
          await processor.start();
          // The first pass applies everything after the failing event, which is still to be tried again.
          expect(seen).toEqual(good.map((e) => e.event_id));
          expect(await store.event(poison.event_id)).toMatchObject({ lastError: 'refused by the store', parkedAt: null });

          const parked = await vi.waitUntil(async () => (await store.event(poison.event_id))?.parkedAt && store.event(poison.event_id), WAIT);
          expect(parked).toMatchObject({ attempts: 3, lastError: 'refused by the store', appliedAt: null, nextAttemptAt: null });
          expect(attemptsAt).toHaveLength(3);
          // Backoff doubles: 200 ms, then 400 ms.
          expect(attemptsAt[1]! - attemptsAt[0]!).toBeGreaterThanOrEqual(190);
          expect(attemptsAt[2]! - attemptsAt[1]!).toBeGreaterThanOrEqual(390);
          expect(logged.warn.filter((line) => line.includes(poison.event_id))).toHaveLength(2);
          expect(logged.error).toEqual([expect.stringMatching(new RegExp(`"${poison.event_id}".*parked after 3 failed attempts.*refused by the store`))]);
          expect((await store.parkedEvents(10)).map((e) => e.eventId)).toEqual([poison.event_id]);
          expect(seen).not.toContain(poison.event_id);
          await processor.stop();

          // After a restart the parked event is named in the log and not tried again; new events are applied.
          await store.close();
          store = await location.open();
          const restarted: string[] = [];
          const again = new EventProcessor(store, { logger: { warn: (...args) => restarted.push(args.join(' ')), error: () => {} } });
          const after = event('payment.updated');
          await store.recordEvent(after, JSON.stringify(after));
          const applied: string[] = [];
          again.onApplied((e) => void applied.push(e.eventId));
          await again.start();
          expect(applied).toEqual([after.event_id]);
          expect(restarted).toEqual([expect.stringContaining(`1 webhook events are parked`)]);
          expect(restarted[0]).toContain(JSON.stringify(poison.event_id));
          expect(await store.event(poison.event_id)).toMatchObject({ attempts: 3, appliedAt: null });
          expect(await lineageOf(store, 'MERCHANT1', 'POISON')).toEqual([]);
          await again.stop();
        } finally {
          await store.close();
          await location.drop();
        }
      },
    );
  }

  it('keeps events pending while the store fails, and applies them once it answers again', async () => {
    const location = sqliteLocation();
    const store = await location.open();
    try {
      const e = mergeEvent(['A', 'B'], 'C');
      await store.recordEvent(e, JSON.stringify(e));
      let failures = 2;
      const flaky: EventStore = Object.create(store, {
        pendingEvents: {
          value: (limit: number) => (failures-- > 0 ? Promise.reject(new Error('connection refused')) : store.pendingEvents(limit)),
        },
      });
      const errors: unknown[] = [];
      const processor = new EventProcessor(flaky, { retryMs: 10, logger: { warn: () => {}, error: (...args) => errors.push(args) } });
      await processor.start();
      expect(await lineageOf(store, 'MERCHANT1', 'C')).toEqual([]);
      await expect.poll(async () => (await store.event(e.event_id))?.appliedAt).toBeTruthy();
      expect(await lineageOf(store, 'MERCHANT1', 'C')).toEqual(['A', 'B']);
      expect(errors).toHaveLength(2);
      await processor.stop();
    } finally {
      await store.close();
      await location.drop();
    }
  });

  it('marks a batch of events applied in one store call, and tells the listeners of each in order', async () => {
    const location = sqliteLocation();
    const store = await location.open();
    try {
      const events = Array.from({ length: 250 }, (_, n) => (n % 50 === 0 ? mergeEvent([`A${n}`], `C${n}`) : event('payment.updated')));
      for (const e of events) await store.recordEvent(e, JSON.stringify(e));
      const batches: number[] = [];
      const counting: EventStore = Object.create(store, {
        markApplied: { value: (ids: string[]) => (batches.push(ids.length), store.markApplied(ids)) },
      });
      const processor = new EventProcessor(counting, { batchSize: 100 });
      const seen: string[] = [];
      processor.onApplied((e) => void seen.push(e.eventId));
      await processor.start();
      expect(batches).toEqual([100, 100, 50]);
      expect(seen).toEqual(events.map((e) => e.event_id));
      expect(await lineageOf(store, 'MERCHANT1', 'C200')).toEqual(['A200']);
    } finally {
      await store.close();
      await location.drop();
    }
  });

  it('counts no attempt while the store itself is down, so an outage parks nothing', async () => {
    const location = sqliteLocation();
    const store = await location.open();
    try {
      const e = event('payment.updated');
      await store.recordEvent(e, JSON.stringify(e));
      let down = true;
      const refused = () => Promise.reject(new Error('connection refused'));
      const outage: EventStore = Object.create(store, {
        markApplied: { value: (ids: string[]) => (down ? refused() : store.markApplied(ids)) },
        recordFailure: {
          value: (id: string, error: string, retryInMs: number | undefined) => (down ? refused() : store.recordFailure(id, error, retryInMs)),
        },
      });
      const errors: unknown[] = [];
      const processor = new EventProcessor(outage, { retryMs: 10, maxAttempts: 1, logger: { warn: () => {}, error: (...args) => errors.push(args) } });
      await processor.start();
      await expect.poll(() => errors.length).toBeGreaterThanOrEqual(3);
      expect(await store.event(e.event_id)).toMatchObject({ attempts: 0, parkedAt: null, appliedAt: null });
      down = false;
      await expect.poll(async () => (await store.event(e.event_id))?.appliedAt).toBeTruthy();
      expect(await store.event(e.event_id)).toMatchObject({ attempts: 0, parkedAt: null });
      await processor.stop();
    } finally {
      await store.close();
      await location.drop();
    }
  });
});

describe("the emulator's merges, end to end", () => {
  let emulator: Emulator;
  let emulatorUrl: string;
  let location: StoreLocation;
  let store: EventStore;
  let gateway: Gateway;
  const signatureKey = randomUUID();

  beforeAll(async () => {
    emulator = await createEmulator({ seed: false, webhooks: { retryBaseMs: 50 } });
    emulatorUrl = await emulator.listen();
    location = sqliteLocation();
    store = await location.open();
    // No notification URL: the gateway's own address, as `npm start` wires the demo.
    gateway = createGateway({
      authMode: 'server',
      squareToken: 'unused',
      squareBaseUrl: emulatorUrl,
      squareTimeoutSeconds: 5,
      squareMaxRetries: 0,
      squareRatePerSecond: 100,
      squareBurst: 100,
      requestDeadlineMs: 5_000,
      locationsTtlMs: 0,
      logging: false,
      webhooks: { store, signatureKey },
    });
    await gateway.listen();
    emulator.ctx.webhooks.configure({ url: gateway.webhooks!.notificationUrl(), signatureKey });
  });
  afterAll(async () => {
    await gateway?.close();
    await emulator?.close();
    await store?.close();
    await location?.drop();
  });

  async function merge(token: string, ids: string[]): Promise<string> {
    const response = await fetch(`${emulatorUrl}/_emulator/customers/merge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from_customer_ids: ids }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as any).customer.id;
  }

  it('records A+B→C, then C+D→E, from the signed events the emulator delivers', async () => {
    const token = `merchant-${randomUUID()}`;
    const square = new SquareClient({ token, baseUrl: emulatorUrl, maxRetries: 0 });
    const merchantId = (await square.locations.list()).locations![0]!.merchantId!;
    const create = async (givenName: string) =>
      (await square.customers.create({ idempotencyKey: randomUUID(), givenName })).customer!.id!;
    const [a, b, d] = [await create('Ada'), await create('Bea'), await create('Dee')];

    const c = await merge(token, [a, b]);
    await expect.poll(() => lineageOf(store, merchantId, c)).toEqual([a, b]);
    expect(await store.mergedInto(merchantId, a)).toBe(c);

    const e = await merge(token, [c, d]);
    await expect.poll(() => lineageOf(store, merchantId, e)).toEqual([a, b, c, d]);
    for (const id of [a, b, c, d]) expect(await store.mergedInto(merchantId, id)).toBe(e);
    expect(await store.mergedInto(merchantId, e)).toBeUndefined();

    // Another seller in the same emulator sees none of it.
    const other = new SquareClient({ token: `merchant-${randomUUID()}`, baseUrl: emulatorUrl, maxRetries: 0 });
    const otherMerchant = (await other.locations.list()).locations![0]!.merchantId!;
    expect(await lineageOf(store, otherMerchant, e)).toEqual([]);

    // Both merges' customer.created and customer.deleted events were stored and applied, once each.
    const emitted = emulator.ctx.webhooks.events().filter(
      (event) => event.merchant_id === merchantId,
    );
    expect(emitted.length).toBeGreaterThanOrEqual(2 + 2 + 2);
    await expect.poll(async () => (await store.pendingEvents(1)).length).toBe(0);
    for (const event of emitted) expect((await store.event(event.event_id))?.appliedAt).toBeTruthy();
  });
});
