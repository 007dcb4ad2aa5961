import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { gatewayConfig } from '../src/gateway/config.js';
import { percentile, startProcess, type Started } from './lib.js';
import { FULL_PAYMENT, nestedQuery, shownBy, type NestedAnswer } from './read-plan.js';
import { clearSquareCalls, countCalls, DEMO_TOKEN, ensureCustomers, postGraphQL, READ_CALLS, sleep, squareCalls, startEmulator, startGateway, stopAll } from './stack.js';

const CUSTOMERS = 20;
const LATENCY_MS = 20;
const WARM_UP = 2;
const QUERY = nestedQuery(CUSTOMERS, FULL_PAYMENT);

interface MeshCustomer {
  id: string;
}

/**
 * What a client of Mesh must do for the gateway's nested query: Mesh has no links between
 * Square's operations, so the client makes one round trip per level, each a document of
 * aliased raw operations that Mesh fans out at once: ListCustomers; then per customer
 * ListCards, ListGiftCards and SearchOrders (its five latest orders, as `orders(first: 5)`);
 * then GetPayment per tender. The location ids SearchOrders needs are read once and reused,
 * as the gateway reuses its own.
 */
async function meshClientQuery(url: string, locationIds: string[]): Promise<{ customers: number; payments: number }> {
  const level = async <T>(query: string): Promise<T> => {
    const { body } = await postGraphQL(url, query);
    if (body.errors) throw new Error(`Mesh query failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
    return body.data as T;
  };
  const { ListCustomers } = await level<{ ListCustomers: { customers: MeshCustomer[] } }>(
    `{ ListCustomers(limit: ${CUSTOMERS}, sort_field: CREATED_AT, sort_order: ASC) { customers { id given_name } } }`,
  );
  const customers = ListCustomers.customers;
  const perCustomer = customers.map(
    (c, i) => `
      cards${i}: ListCards(customer_id: "${c.id}") { cards { last_4 card_brand } }
      giftCards${i}: ListGiftCards(customer_id: "${c.id}") { gift_cards { gan balance_money { amount } } }
      orders${i}: SearchOrders(input: { location_ids: ${JSON.stringify(locationIds)}, limit: 5, query: { filter: { customer_filter: { customer_ids: ["${c.id}"] } }, sort: { sort_field: CREATED_AT, sort_order: DESC } } }) {
        orders { id total_money { amount } tenders { payment_id } }
      }`,
  );
  const second = await level<Record<string, { orders?: Array<{ tenders?: Array<{ payment_id?: string }> }> }>>(`{ ${perCustomer.join('\n')} }`);
  const paymentIds = customers.flatMap((_, i) => (second[`orders${i}`]?.orders ?? []).flatMap((o) => (o.tenders ?? []).map((t) => t.payment_id!)));
  if (paymentIds.length > 0) {
    await level(`{ ${paymentIds.map((id, i) => `payment${i}: GetPayment(payment_id: "${id}") { payment { id status total_money { amount } receipt_url } }`).join('\n')} }`);
  }
  return { customers: customers.length, payments: paymentIds.length };
}

async function callsOf(emulatorUrl: string, run: () => Promise<unknown>) {
  await clearSquareCalls(emulatorUrl);
  await run();
  const calls = await squareCalls(emulatorUrl);
  return { total: calls.length, byOperation: countCalls(calls, READ_CALLS) };
}

const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

/**
 * The gateway side by side with GraphQL Mesh over Square's OpenAPI spec, on one emulator
 * answering every call after 20 ms (EMULATOR_LATENCY_MS): calls per query and latency at
 * concurrency 1 of the same nested query (20 customers), sampled alternately in one run.
 * The gateway runs with its default settings (no cross-request cache); before each of its
 * samples the bench waits until its default budget has earned back what the last query
 * spent, so that each sample is one query with its budget available, as Mesh always has.
 */
export async function benchMesh(samples: number) {
  const spec = resolve(process.env.SQUARE_OPENAPI_SPEC ?? '../shared/square-openapi/api.json');
  if (!existsSync(spec)) return { skipped: `Square's OpenAPI spec is not at ${spec}; set SQUARE_OPENAPI_SPEC to its path` };
  let emulator: Started | undefined;
  let gateway: Started | undefined;
  let mesh: Started | undefined;
  try {
    emulator = await startEmulator({ EMULATOR_LATENCY_MS: String(LATENCY_MS) });
    await ensureCustomers(emulator.url, CUSTOMERS);
    const budgetRate = process.env.BENCH_RATE;
    gateway = await startGateway(emulator.url, budgetRate ? { SQUARE_RATE_PER_SECOND: budgetRate, SQUARE_BURST: String(Math.ceil(Number(budgetRate))) } : {});
    mesh = await startProcess(
      'bench/mesh-server.ts',
      { MESH_SPEC: spec, MESH_SQUARE_URL: emulator.url, MESH_SQUARE_TOKEN: DEMO_TOKEN },
      /Mesh:\s+(http:\/\/\S+)/,
    );
    const ratePerSecond = Number(budgetRate ?? gatewayConfig({}).squareRatePerSecond);

    const { body: located } = await postGraphQL(mesh.url, '{ ListLocations { locations { id } } }');
    const locationIds = (located.data as { ListLocations: { locations: Array<{ id: string }> } }).ListLocations.locations.map((l) => l.id);
    let gatewayShown = { customers: 0, payments: 0 };
    const gatewayQuery = async () => {
      const { ms, body } = await postGraphQL(gateway!.url, QUERY);
      if (body.errors) throw new Error(`gateway query failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
      gatewayShown = shownBy(body.data as NestedAnswer);
      return ms;
    };
    const meshQuery = async () => {
      const started = performance.now();
      await meshClientQuery(mesh!.url, locationIds);
      return performance.now() - started;
    };

    await gatewayQuery(); // the gateway's per-token location list, read once as the Mesh client's is
    const gatewayCalls = await callsOf(emulator.url, gatewayQuery);
    let meshShown = { customers: 0, payments: 0 };
    const meshCalls = await callsOf(emulator.url, async () => (meshShown = await meshClientQuery(mesh!.url, locationIds)));
    const refillMs = (gatewayCalls.total / ratePerSecond) * 1000;

    const times = { gateway: [] as number[], mesh: [] as number[] };
    // Counted per sample too, so that a cache answering for Square (a sample that is not cold) shows.
    const gatewayCallsPerSample: number[] = [];
    for (let i = 0; i < WARM_UP + samples; i++) {
      const meshMs = await meshQuery();
      await sleep(Math.max(0, refillMs - meshMs));
      await clearSquareCalls(emulator.url);
      const gatewayMs = await gatewayQuery();
      if (i < WARM_UP) continue;
      gatewayCallsPerSample.push((await squareCalls(emulator.url)).length);
      times.mesh.push(meshMs);
      times.gateway.push(gatewayMs);
    }
    const gatewayLatency = summary(times.gateway);
    const meshLatency = summary(times.mesh);
    return {
      query: `customers(first: ${CUSTOMERS}) { cards, giftCards, orders(first: 5) { payments { ${FULL_PAYMENT} } } }`,
      squareLatencyMs: LATENCY_MS,
      meshMeasured:
        'GraphQL Mesh (@omnigraph/openapi over Square\'s spec, served by graphql-yoga) and a client making one round trip per level: ListCustomers; per customer ListCards + ListGiftCards + SearchOrders (limit 5) in one document; GetPayment per tender in one document. Wall time of the three round trips.',
      gatewaySettings: budgetRate ? `SQUARE_RATE_PER_SECOND=${budgetRate}` : 'defaults (CACHE_TTL_MS=0)',
      pacedBetweenGatewaySamplesMs: Math.round(refillMs),
      shown: { gateway: gatewayShown, mesh: meshShown },
      squareCallsPerQuery: {
        gateway: { ...gatewayCalls, perTimedSample: { min: Math.min(...gatewayCallsPerSample), max: Math.max(...gatewayCallsPerSample) } },
        mesh: meshCalls,
      },
      concurrency1: { gateway: gatewayLatency, mesh: meshLatency, gatewayP50VsMesh: Math.round((gatewayLatency.p50 / meshLatency.p50) * 100) / 100 },
      floorMs: 3 * LATENCY_MS,
    };
  } finally {
    await stopAll([emulator, gateway, mesh]);
  }
}
