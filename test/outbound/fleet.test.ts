import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { print } from 'graphql';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { graphql } from '../gql/index.js';
import { outboundFleet, type OutboundFleet } from '../support/outbound-fleet.js';
import { startReceiver, type TestReceiver } from '../support/receiver.js';
import { DATABASE_URL } from '../support/stores.js';
import { WAIT } from '../support/waiting.js';

const SUBSCRIBE = graphql(`mutation OutboundFleetSubscribe($input: WebhookSubscriptionCreateInput!) { webhookSubscriptionCreate(input: $input) { __typename
  ... on WebhookSubscriptionCreateSuccess { result { subscription { id } } } } }`);

const EVENTS = 300;

describe.skipIf(!DATABASE_URL)('outbound webhooks across 3 instances on one PostgreSQL', () => {
  let emulator: Emulator;
  let fleet: OutboundFleet;
  let receiver: TestReceiver;

  beforeAll(async () => {
    emulator = await createEmulator({ seed: false });
    fleet = await outboundFleet(DATABASE_URL!, await emulator.listen(), { instances: 3, customers: 10, concurrency: 4 });
    receiver = await startReceiver();
    const response = await fetch(fleet.instances[0]!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': fleet.key },
      body: JSON.stringify({ query: print(SUBSCRIBE), variables: { input: { topic: 'CUSTOMER_UPDATED', callbackUrl: receiver.url, query: '{ squareId }' } } }),
    });
    expect(((await response.json()) as { data: any }).data.webhookSubscriptionCreate.__typename).toBe('WebhookSubscriptionCreateSuccess');
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await emulator?.close();
    await receiver?.close();
  });

  it('delivers each event once, whichever instance received it, in the order applied per object, through a receiver outage', async () => {
    receiver.status = 503;
    const sent: string[] = [];
    for (let i = 0; i < EVENTS; i++) sent.push(await fleet.notify(i % 3, fleet.customers[i % fleet.customers.length]!));
    await expect.poll(() => receiver.refused, WAIT).toBeGreaterThan(0);
    receiver.status = 200;
    // Retried after the backoff (10 s at first, in its upper half), by whichever instance holds the job.
    await expect.poll(() => receiver.received.length, { ...WAIT, timeout: 60_000 }).toBe(EVENTS);
    const received = receiver.received.map((r) => r.payload);
    expect(new Set(received.map((p) => p.id)).size).toBe(EVENTS);
    expect(new Set(received.map((p) => p.squareEvent!.id))).toEqual(new Set(sent));
    const applied = await fleet.appliedOrder(sent);
    for (const customer of fleet.customers) {
      const order = received.filter((p) => p.data.squareId === customer).map((p) => applied.get(p.squareEvent!.id)!);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  }, 90_000);
});
