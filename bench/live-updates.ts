import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SquareClient } from 'square';
import { subscribeSse } from '../test/support/sse.js';
import { percentile, BENCH_WEBHOOK_KEY, startPassthroughGateway, startProcess, type Started } from './lib.js';

const DEMO_TOKEN = 'EMULATOR-DEMO-TOKEN';
const KEY = BENCH_WEBHOOK_KEY;
const WARMUP = 10;
const SUBSCRIPTION = `subscription { paymentUpdated { squareId status totalMoney { amount } } }`;



interface Latencies {
  events: number;
  /** From just before the SDK call that causes the event to the SSE message's arrival. */
  fromCallMs: { p50: number; p95: number; max: number };
  /** From the event's created_at (set by the emulator) to the SSE message's arrival; millisecond clock resolution. */
  fromEventCreatedMs: { p50: number; p95: number; max: number };
}

/**
 * One payment at a time through the SDK, straight to the emulator; the emulator's
 * payment.created webhook goes to `receiver`, and a subscriber on `subscriberUrl`
 * waits for the payment over SSE.
 */
async function measure(emulatorUrl: string, receiver: { webhookUrl: string }, subscriberUrl: string, events: number): Promise<Latencies> {
  await fetch(`${emulatorUrl}/_emulator/webhooks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.webhookUrl, signature_key: KEY }),
  });
  const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: emulatorUrl, maxRetries: 0 });
  const subscription = await subscribeSse(subscriberUrl, SUBSCRIPTION, {}, { token: DEMO_TOKEN });
  const fromCall: number[] = [];
  const arrivals = new Map<string, number>();
  try {
    for (let i = 0; i < WARMUP + events; i++) {
      const started = performance.now();
      const { payment } = await square.payments.create({
        idempotencyKey: randomUUID(),
        sourceId: 'cnon:card-nonce-ok',
        amountMoney: { amount: BigInt(100 + i), currency: 'USD' },
      });
      for (;;) {
        const message = await subscription.next();
        if (message.errors) throw new Error(`subscription failed: ${JSON.stringify(message.errors)}`);
        if (message.data.paymentUpdated.squareId === payment!.id) break;
      }
      if (i < WARMUP) continue;
      fromCall.push(performance.now() - started);
      arrivals.set(payment!.id!, Date.now());
    }
  } finally {
    subscription.close();
  }
  const { events: emitted } = (await (await fetch(`${emulatorUrl}/_emulator/events`)).json()) as {
    events: Array<{ type: string; created_at: string; data: { id: string } }>;
  };
  const fromCreated = emitted
    .filter((e) => e.type === 'payment.created' && arrivals.has(e.data.id))
    .map((e) => arrivals.get(e.data.id)! - Date.parse(e.created_at));
  const summary = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: percentile(sorted, 100) };
  };
  return { events: fromCall.length, fromCallMs: summary(fromCall), fromEventCreatedMs: summary(fromCreated) };
}

/**
 * End-to-end latency of live updates: the emulator's webhook to an SSE subscriber,
 * emulator and gateways in processes of their own. In-process pub/sub (subscriber on
 * the instance that receives the webhook), and with REDIS_URL two instances sharing
 * Redis, the webhook received by one and the subscriber on the other.
 */
export async function benchLiveUpdates(events: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-live-'));
  const started: Started[] = [];
  const redisUrl = process.env.REDIS_URL || undefined;
  try {
    const emulator = await startProcess('src/emulator/main.ts', { EMULATOR_PORT: '0' }, /listening on (http:\/\/\S+)/);
    started.push(emulator);

    const single = await startPassthroughGateway(emulator.url, join(dir, `gateway-${randomUUID()}.db`), {});
    started.push(single);
    const inProcess = await measure(emulator.url, single, single.url, events);
    await single.stop();

    let redis: Latencies | string = 'skipped: REDIS_URL is not set';
    if (redisUrl) {
      const shared = { REDIS_URL: redisUrl, PUBSUB_PREFIX: `bench-${randomUUID().slice(0, 8)}:` };
      const a = await startPassthroughGateway(emulator.url, join(dir, `gateway-${randomUUID()}.db`), shared);
      started.push(a);
      const b = await startPassthroughGateway(emulator.url, join(dir, `gateway-${randomUUID()}.db`), shared);
      started.push(b);
      redis = await measure(emulator.url, a, b.url, events);
    }
    return {
      path: 'SDK CreatePayment → emulator → signed webhook → gateway (verify, store, apply, publish) → subscriber reads the payment (GetPayment) → SSE',
      subscription: SUBSCRIPTION,
      inProcess,
      redisTwoInstances: redis,
    };
  } finally {
    for (const process of started.reverse()) if (process.child.exitCode === null) await process.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
