import { loadavg } from 'node:os';
import { outboundFleet } from '../test/support/outbound-fleet.js';
import { startReceiver } from '../test/support/receiver.js';
import { percentile, roundTo } from './lib.js';
import { sleep, startEmulator } from './stack.js';

const SUBSCRIBE = 'mutation OutboundBenchSubscribe($input: WebhookSubscriptionCreateInput!) { webhookSubscriptionCreate(input: $input) { __typename } }';

const INSTANCES = 3;
const CUSTOMERS = 100;
const LATENCY_EVENTS = 200;
/** Notifications in flight at once while the fleet is loaded. */
const SENDERS = 16;

/**
 * Outbound webhooks on PostgreSQL through graphile-worker (pg-boss, measured beside it once, carried a third of
 * the deliveries a second at thrice the latency: README, Partners: outbound webhooks):
 * three gateway instances (in this process) on one PostgreSQL schema, the emulator a process of
 * its own, one subscription (CUSTOMER_UPDATED, `{ squareId }`: each delivery reads its customer
 * from Square). Latency: single events, one at a time, from the notification reaching an instance
 * to the receiver taking the delivery. Throughput: `events` notifications spread over the
 * instances, until the receiver has taken every delivery; each must arrive exactly once.
 */
export async function benchOutbound(events: number) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) return { skipped: 'DATABASE_URL is not set: the fleet shares one PostgreSQL' };
  const emulator = await startEmulator({ EMULATOR_SEED: 'false' });
  const results: Record<string, unknown> = { events, instances: INSTANCES, loadAverageAtStart: roundTo(loadavg()[0]!, 1) };
  try {
    results['graphile-worker'] = await benchQueue(databaseUrl, emulator.url, events);
  } finally {
    await emulator.stop();
  }
  return results;
}

async function benchQueue(databaseUrl: string, emulatorUrl: string, events: number) {
  const fleet = await outboundFleet(databaseUrl, emulatorUrl, { instances: INSTANCES, customers: CUSTOMERS });
  const receiver = await startReceiver();
  try {
    await fetch(fleet.instances[0]!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': fleet.key },
      body: JSON.stringify({ query: SUBSCRIBE, variables: { input: { topic: 'CUSTOMER_UPDATED', callbackUrl: receiver.url, query: '{ squareId }' } } }),
    });
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_EVENTS; i++) {
      const before = receiver.received.length;
      const sentAt = performance.now();
      await fleet.notify(i % INSTANCES, fleet.customers[i % CUSTOMERS]!);
      while (receiver.received.length === before) await sleep(1);
      latencies.push(receiver.received.at(-1)!.at - sentAt);
      await sleep(10);
    }
    latencies.sort((a, b) => a - b);
    receiver.received.length = 0;

    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let i = next++; i < events; i = next++) await fleet.notify(i % INSTANCES, fleet.customers[i % CUSTOMERS]!);
      }),
    );
    const acknowledgedSeconds = (performance.now() - started) / 1000;
    const deadline = performance.now() + 600_000;
    while (receiver.received.length < events && performance.now() < deadline) await sleep(50);
    await sleep(2_000);
    const seconds = (performance.now() - started) / 1000;
    const unique = new Set(receiver.received.map((r) => r.payload.id)).size;
    return {
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: roundTo(latencies.at(-1)!) },
      notificationsAcknowledgedPerSecond: roundTo(events / acknowledgedSeconds),
      delivered: receiver.received.length,
      deliveredOnce: unique,
      duplicates: receiver.received.length - unique,
      deliveriesPerSecond: roundTo(unique / (seconds - 2)),
      seconds: roundTo(seconds - 2),
    };
  } finally {
    await fleet.close();
    await receiver.close();
  }
}
