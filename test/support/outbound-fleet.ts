import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { SquareClient } from 'square';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import type { Gateway } from '../../src/gateway/server.js';
import { OutboundWebhooks } from '../../src/outbound/index.js';
import { PostgresEventStore } from '../../src/store/index.js';
import { VaultKeyRing } from '../../src/vault/index.js';
import { webhookSignature } from '../../src/webhooks/index.js';
import { createTestGateway, SERVER_TOKEN } from './gateway.js';
import { vaultKey } from './vaults.js';

const WEBHOOK_KEY = 'outbound-fleet-webhook-key';

export interface FleetInstance {
  gateway: Gateway;
  url: string;
  store: PostgresEventStore;
  outbound: OutboundWebhooks;
}

/**
 * Gateway instances (in this process, each with its own PostgreSQL connections) on one
 * PostgreSQL schema, delivering outbound webhooks through one job queue, in front of one
 * emulator: what a fleet behind a load balancer is, for tests and the outbound benchmark.
 */
export interface OutboundFleet {
  instances: FleetInstance[];
  /** The API key every instance knows, which owns the subscriptions. */
  key: string;
  /** Square's seller the gateways act for (the server token's). */
  merchantId: string;
  /** Customers of that seller at the emulator, for events to tell of. */
  customers: string[];
  /** Posts a signed `customer.updated` for the customer to one instance, as Square would; resolves once it acknowledged it. */
  notify(instance: number, customerId: string): Promise<string>;
  /** The order the store applied events in: their sequence, by Square event id. */
  appliedOrder(eventIds: string[]): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export async function outboundFleet(
  databaseUrl: string,
  emulatorUrl: string,
  { instances, customers, concurrency = 8 }: { instances: number; customers: number; concurrency?: number },
): Promise<OutboundFleet> {
  const schema = `outbound_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const key = generateKey('fleet', ['CUSTOMERS_READ']);
  const keys = VaultKeyRing.parse(vaultKey('fleet'));
  const logger = pino({ level: 'warn' });
  const square = new SquareClient({ token: SERVER_TOKEN, baseUrl: emulatorUrl, maxRetries: 0 });
  const customerIds: string[] = [];
  for (let i = 0; i < customers; i++) customerIds.push((await square.customers.create({ givenName: `Fleet ${i}`, idempotencyKey: randomUUID() })).customer!.id!);
  const merchantId = (await square.locations.list()).locations![0]!.merchantId!;
  const started: FleetInstance[] = [];
  for (let i = 0; i < instances; i++) {
    const apiKeys = ApiKeyRing.parse(JSON.stringify({ keys: [key.entry] }), 'fleet');
    const store = await PostgresEventStore.open({ connectionString: databaseUrl, schema, poolSize: 3 });
    const outbound = await OutboundWebhooks.open({
      events: store,
      postgres: { connectionString: databaseUrl, schema, poolSize: 4 },
      jobsSchema: `${schema}_jobs`,
      keys,
      authMode: 'server',
      apiKeys,
      policy: 'loopback',
      timeoutMs: 5_000,
      concurrency,
      secretGraceMs: 0,
      logger,
    });
    const gateway = createTestGateway(emulatorUrl, { apiKeys, logging: logger, gateway: { outbound, webhooks: { store, signatureKey: WEBHOOK_KEY } } });
    started.push({ gateway, url: await gateway.listen(), store, outbound });
  }
  return {
    instances: started,
    key: key.key,
    merchantId,
    customers: customerIds,
    notify: async (instance, customerId) => {
      const eventId = randomUUID();
      const body = JSON.stringify({
        merchant_id: merchantId,
        type: 'customer.updated',
        event_id: eventId,
        created_at: new Date().toISOString(),
        data: { type: 'customer', id: customerId, object: { customer: { id: customerId } } },
      });
      const { gateway } = started[instance]!;
      const url = gateway.webhooks!.notificationUrl();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': webhookSignature(WEBHOOK_KEY, url, Buffer.from(body)) },
        body,
      });
      if (response.status !== 200) throw new Error(`the gateway answered ${response.status} to a notification`);
      return eventId;
    },
    appliedOrder: async (eventIds) => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ event_id: string; applied_seq: string }>(
          `SELECT event_id, applied_seq FROM ${schema}.webhook_events WHERE event_id = ANY($1::text[])`,
          [eventIds],
        );
        return new Map(rows.map((row) => [row.event_id, Number(row.applied_seq)]));
      } finally {
        await client.end();
      }
    },
    close: async () => {
      for (const { gateway, store } of started) {
        await gateway.close();
        await store.close();
      }
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
      await client.end();
    },
  };
}
