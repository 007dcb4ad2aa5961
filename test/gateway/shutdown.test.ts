import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { SqliteEventStore } from '../../src/store/index.js';
import { CustomerOverviewDocument, PaymentsOfCustomerDocument } from '../gql/graphql.js';
import { createTestGateway } from '../support/gateway.js';
import { subscribeSse } from '../support/sse.js';

let emulator: Emulator;
let emulatorUrl: string;

beforeAll(async () => {
  emulator = await createEmulator({ seed: false });
  emulatorUrl = await emulator.listen();
});
afterAll(async () => {
  await emulator?.close();
});

const slowSquare = (latencyMs: number) =>
  fetch(`${emulatorUrl}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'GET', path: '/v2/customers', latency_ms: latencyMs, count: 1 }),
  });

/** Waits until the slow call has reached the emulator (it takes its fault then): the gateway's request is in flight. */
const slowCallArrived = () =>
  expect.poll(async () => ((await (await fetch(`${emulatorUrl}/_emulator/faults`)).json()) as { faults: unknown[] }).faults).toEqual([]);

const overview = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(CustomerOverviewDocument), variables: { first: 1, ordersFirst: 1 } }),
  });

describe('closing a gateway (SIGTERM)', () => {
  it('lets a request in flight finish, and takes no new one', async () => {
    const gateway = createTestGateway(emulatorUrl);
    const url = await gateway.listen();
    await slowSquare(800);
    const inFlight = overview(url);
    await slowCallArrived();
    const closing = gateway.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown; data: { customers: unknown } }).data.customers).toBeDefined();
    await closing;
    await expect(overview(url)).rejects.toThrow();
  });

  it('cuts what is still running when the grace period ends', async () => {
    const gateway = createTestGateway(emulatorUrl);
    const url = await gateway.listen();
    await slowSquare(5_000);
    const inFlight = overview(url).then(
      (r) => r.status,
      () => 'cut',
    );
    await slowCallArrived();
    // Cut, not let finish: had the gateway waited out Square's 5 s, the request would have been answered.
    await gateway.close({ graceMs: 300 });
    expect(await inFlight).toBe('cut');
    await fetch(`${emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
  });

  it('ends live-update streams with complete', async () => {
    const store = new SqliteEventStore(':memory:');
    const gateway = createTestGateway(emulatorUrl, {}, store);
    try {
      const url = await gateway.listen();
      const subscription = await subscribeSse(url, print(PaymentsOfCustomerDocument), { customerId: 'CUSTOMER1' });
      await gateway.close();
      await expect(subscription.next()).rejects.toThrow('the subscription ended');
      expect(subscription.completed).toBe(true);
    } finally {
      await store.close();
    }
  });
});
