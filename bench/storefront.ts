import { SquareClient } from 'square';
import { createEmulator } from '../src/emulator/server.js';
import { createGateway } from '../src/gateway/server.js';
import { SqliteEventStore } from '../src/store/index.js';
import { arrangeStorefront } from '../test/support/catalog.js';
import { percentile, roundTo } from './lib.js';

const TOKEN = 'bench-storefront-token';
const KEY = 'bench-storefront-signature-key';
/** Square's own latency, as the other read benchmarks assume it. */
const LATENCY_MS = 20;
const ITEMS = 50;

const QUERY = /* GraphQL */ `
  query Storefront($locationId: ID!) {
    catalogItems(first: ${ITEMS}) {
      edges {
        node {
          id
          name
          category { name }
          images { url }
          modifierLists { name modifiers { name price { amount } } }
          variations { name price { amount currency } inventory(locationId: $locationId) { state quantity } }
        }
      }
    }
  }
`;

/**
 * A storefront page: 50 catalog items with their variations, prices, category, images,
 * modifier lists and stock at one location, behind a 20 ms emulator, the cache on and
 * webhooks applied. Square calls and latency cold (after a start; the seller's one
 * ListLocations apart) and warm (`repeats` times within the TTL).
 */
export async function benchStorefront(repeats: number) {
  const emulator = await createEmulator({ seed: false, latencyMs: LATENCY_MS });
  const emulatorUrl = await emulator.listen();
  const store = new SqliteEventStore(':memory:');
  const gateway = createGateway({
    authMode: 'server',
    squareToken: TOKEN,
    squareBaseUrl: emulatorUrl,
    squareTimeoutSeconds: 30,
    squareMaxRetries: 2,
    squareRatePerSecond: 1_000_000,
    squareBurst: 1_000_000,
    requestDeadlineMs: 15_000,
    locationsTtlMs: 300_000,
    logging: false,
    webhooks: { store, signatureKey: KEY },
  });
  const url = await gateway.listen();
  try {
    const square = new SquareClient({ token: TOKEN, baseUrl: emulatorUrl });
    const locationId = (await square.locations.list()).locations![0]!.id!;
    await arrangeStorefront(square, locationId, ITEMS);
    emulator.ctx.webhooks.configure({ url: gateway.webhooks!.notificationUrl(), signatureKey: KEY });
    const squareCalls = async () => {
      const { requests } = (await (await fetch(`${emulatorUrl}/_emulator/requests`)).json()) as { requests: Array<{ method: string; path: string }> };
      await fetch(`${emulatorUrl}/_emulator/requests`, { method: 'DELETE' });
      return requests.map((r) => `${r.method} ${r.path}`);
    };
    const run = async () => {
      const started = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { locationId } }) });
      const body = (await response.json()) as { data?: { catalogItems: { edges: unknown[] } }; errors?: unknown };
      if (body.errors || body.data?.catalogItems.edges.length !== ITEMS) throw new Error(`storefront failed: ${JSON.stringify(body).slice(0, 500)}`);
      return performance.now() - started;
    };
    await squareCalls();
    const coldMs = await run();
    const cold = (await squareCalls()).filter((c) => c !== 'GET /v2/locations');
    const warm: number[] = [];
    let warmCalls = 0;
    for (let i = 0; i < repeats; i++) {
      warm.push(await run());
      warmCalls += (await squareCalls()).length;
    }
    warm.sort((a, b) => a - b);
    return {
      items: ITEMS,
      squareLatencyMs: LATENCY_MS,
      cold: { squareCalls: cold.length, calls: cold, ms: roundTo(coldMs) },
      warm: { repeats, squareCallsPerRun: warmCalls / repeats, p50Ms: percentile(warm, 50), p99Ms: percentile(warm, 99) },
    };
  } finally {
    await gateway.close();
    await emulator.close();
    await store.close();
  }
}
