import { SquareClient } from 'square';
import { percentile, roundTo } from './lib.js';
import { LATENCY_MS, webhookStack } from './webhook-stack.js';

const DEMO_TOKEN = 'EMULATOR-DEMO-TOKEN';

const QUERY = /* GraphQL */ `
  query Bench {
    customers(first: 20) {
      edges {
        node {
          id
          squareId
          givenName
          cards { last4 cardBrand }
          giftCards { gan balanceMoney { amount } }
          orders(first: 5) {
            edges { node { id totalMoney { amount } payments { id status totalMoney { amount } } } }
          }
        }
      }
    }
  }
`;
/**
 * Warm repeats run before the measured ones: a gateway in production has long compiled its
 * hot paths, while in a fresh process Node's JIT is still at work on them. Their own p50 is
 * reported beside, and their Square calls are counted with the measured repeats'.
 */
const WARMUP = 300;
const CUSTOMER = /* GraphQL */ `query($id: ID!) { customer(id: $id) { givenName } }`;

/**
 * The cache of Square reads, in process: the demo merchant behind a 20 ms emulator, the
 * gateway receiving its webhooks, the cache in memory with the default TTL.
 * - cold and warm: the nested page of 20 customers, once after a start and then `repeats`
 *   times within the TTL (after WARMUP unmeasured repeats): Square calls and latency of each.
 * - freshness: a customer renamed straight through the SDK, `changes` times: how long
 *   until the gateway answers with the new name, and how much of that came after the
 *   gateway had applied the change's webhook.
 */
export async function benchCache(repeats: number, changes: number) {
  const stack = await webhookStack({ seed: true, token: DEMO_TOKEN });
  const { emulatorUrl, gateway, url } = stack;
  stack.deliverWebhooks();
  const applied = new Map<string, number>();
  gateway.webhooks!.processor.onApplied((event) => void applied.set(event.eventId, performance.now()));

  const post = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: unknown };
    if (body.errors) throw new Error(`query failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
    return body.data;
  };
  const squareCalls = async () => {
    const { requests } = (await (await fetch(`${emulatorUrl}/_emulator/requests`)).json()) as { requests: unknown[] };
    await fetch(`${emulatorUrl}/_emulator/requests`, { method: 'DELETE' });
    return requests.length;
  };
  const timed = async <T>(run: () => Promise<T>) => {
    const started = performance.now();
    const value = await run();
    return { ms: performance.now() - started, value };
  };

  try {
    await squareCalls();
    const cold = await timed(() => post(QUERY));
    const coldCalls = await squareCalls();
    const warmup: number[] = [];
    for (let i = 0; i < WARMUP; i++) warmup.push((await timed(() => post(QUERY))).ms);
    const warm: number[] = [];
    for (let i = 0; i < repeats; i++) warm.push((await timed(() => post(QUERY))).ms);
    const warmCalls = await squareCalls();
    warm.sort((a, b) => a - b);
    warmup.sort((a, b) => a - b);

    const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: emulatorUrl, maxRetries: 0 });
    const customerId = cold.value.customers.edges[0].node.squareId as string;
    const toServed: number[] = [];
    const afterWebhook: number[] = [];
    for (let i = 0; i < changes; i++) {
      const name = `Renamed ${i}`;
      await post(CUSTOMER, { id: customerId });
      const started = performance.now();
      const { customer } = await square.customers.update({ customerId, givenName: name });
      for (;;) {
        if ((await post(CUSTOMER, { id: customerId })).customer.givenName === name) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const served = performance.now();
      const { events } = (await (await fetch(`${emulatorUrl}/_emulator/events`)).json()) as { events: Array<{ event_id: string; type: string; data: { id: string } }> };
      const event = events.findLast((e) => e.type === 'customer.updated' && e.data.id === customer!.id);
      toServed.push(served - started);
      afterWebhook.push(Math.max(0, served - (applied.get(event!.event_id) ?? served)));
    }
    toServed.sort((a, b) => a - b);
    afterWebhook.sort((a, b) => a - b);
    return {
      squareLatencyMs: LATENCY_MS,
      customers: 20,
      cold: { squareCalls: coldCalls, ms: roundTo(cold.ms) },
      warm: {
        warmup: { repeats: WARMUP, p50Ms: percentile(warmup, 50) },
        repeats,
        squareCalls: warmCalls,
        p50Ms: percentile(warm, 50),
        p99Ms: percentile(warm, 99),
      },
      freshness: {
        changes,
        fromDirectChangeToServedMs: { p50: percentile(toServed, 50), max: roundTo(toServed.at(-1)!) },
        servedAfterWebhookAppliedMs: { p50: percentile(afterWebhook, 50), max: roundTo(afterWebhook.at(-1)!) },
      },
    };
  } finally {
    await stack.close();
  }
}

