import { SquareClient } from 'square';
import { arrangeMerchant } from '../test/support/merchant.js';
import { cpuMs, percentile, roundTo, rssMiB, startProcess, type Started } from './lib.js';
import { gatewayNodeFlags } from '../scripts/node-flags.js';

const DEMO_TOKEN = 'EMULATOR-DEMO-TOKEN';
const LATENCY_MS = 20;
/**
 * The seller's Square budget the gateway runs with (SQUARE_RATE_PER_SECOND, and as much
 * burst): unbounded unless BENCH_RATE says otherwise, so that this measures the gateway
 * and not the budget.
 */
const BUDGET_RATE = Number(process.env.BENCH_RATE ?? 1_000_000);
/** Passthrough: the bench is a seller calling with its own token, as a partner integration would. */
const AUTH_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` };

const QUERY = /* GraphQL */ `
  query Bench {
    customers(first: 50) {
      edges {
        node {
          id
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

async function post(url: string, query: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: AUTH_HEADERS, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(`query failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return performance.now() - started;
}

/** Runs the query from `concurrency` clients for `seconds` (or `count` requests); returns latencies. */
async function drive(url: string, { concurrency, seconds, count, onTick }: { concurrency: number; seconds?: number; count?: number; onTick?: () => void }) {
  const latencies: number[] = [];
  const deadline = seconds ? performance.now() + seconds * 1000 : Infinity;
  let issued = 0;
  const started = performance.now();
  const ticker = onTick ? setInterval(onTick, 1000) : undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && (count === undefined || issued < count)) {
        issued++;
        latencies.push(await post(url, QUERY));
      }
    }),
  );
  if (ticker) clearInterval(ticker);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    requestsPerSecond: roundTo(latencies.length / elapsed),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
  };
}

async function setLatency(emulatorUrl: string, ms: number) {
  await fetch(`${emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
  if (ms > 0) {
    await fetch(`${emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/v2/**', latency_ms: ms }),
    });
  }
}

/**
 * The read graph under load: `customers(first: 50)` with cards, gift cards, five
 * orders each and their payments, against the emulator answering every Square call
 * after 20 ms. Reports calls per query against the naive count, latency against the
 * ideal schedule, throughput, CPU per request and memory over a long run.
 */
export async function benchGatewayRead(longRunSeconds: number) {
  let emulator: Started | undefined;
  let gateway: Started | undefined;
  try {
    emulator = await startProcess('src/emulator/main.ts', { EMULATOR_PORT: '0' }, /listening on (http:\/\/\S+)/);
    const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: emulator.url });
    const existing = (await square.customers.list({ limit: 100 })).data.length;
    if (existing < 50) await arrangeMerchant(square, { customers: 50 - existing, ordersPerCustomer: 3, giftCardsEvery: 2 });

    gateway = await startProcess(
      'src/main.ts',
      { PORT: '0', SQUARE_BASE_URL: emulator.url, GATEWAY_AUTH: 'passthrough', SQUARE_RATE_PER_SECOND: String(BUDGET_RATE), SQUARE_BURST: String(Math.ceil(BUDGET_RATE)) },
      /GraphQL gateway:\s+(http:\/\/\S+)/,
      gatewayNodeFlags(),
    );
    const url = gateway.url;
    await post(url, QUERY); // warm up: code paths, the per-token location cache

    // Calls per query, and what they would be with one call per parent.
    await fetch(`${emulator.url}/_emulator/requests`, { method: 'DELETE' });
    await post(url, QUERY);
    const { requests } = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { requests: Array<{ method: string; path: string }> };
    const count = (re: RegExp) => requests.filter((r) => re.test(`${r.method} ${r.path}`)).length;
    const calls = {
      listCustomers: count(/^GET \/v2\/customers$/),
      listCards: count(/^GET \/v2\/cards$/),
      listGiftCards: count(/^GET \/v2\/gift-cards$/),
      searchOrders: count(/^POST \/v2\/orders\/search$/),
      getPayment: count(/^GET \/v2\/payments\//),
      total: requests.length,
    };
    const customers = 50;
    const shownOrders = (await (await fetch(url, { method: 'POST', headers: AUTH_HEADERS, body: JSON.stringify({ query: QUERY }) })).json()) as any;
    const tenders = shownOrders.data.customers.edges.reduce(
      (n: number, e: any) => n + e.node.orders.edges.reduce((m: number, o: any) => m + o.node.payments.length, 0),
      0,
    );
    const naive = 1 + customers * 3 + tenders;
    const plan = 1 + customers * 2 + Math.ceil(customers / 10) + calls.getPayment;

    // The ideal schedule: the three dependency levels (customers; their cards, gift cards and orders; payments), each one latency.
    await setLatency(emulator.url, LATENCY_MS);
    const idealMs = 3 * LATENCY_MS;
    const c1 = await drive(url, { concurrency: 1, count: 30 });
    const c16 = await drive(url, { concurrency: 16, seconds: 15 });

    // Gateway CPU per request with a Square that answers at once.
    await setLatency(emulator.url, 0);
    await drive(url, { concurrency: 4, count: 20 });
    const cpuBefore = cpuMs(gateway.child.pid!);
    const cpuRun = await drive(url, { concurrency: 4, count: 200 });
    const cpuPerRequest = roundTo((cpuMs(gateway.child.pid!) - cpuBefore) / cpuRun.requests);

    // Memory over a long run at concurrency 16 with latency.
    await setLatency(emulator.url, LATENCY_MS);
    const samples: number[] = [];
    const pid = gateway.child.pid!;
    const long = await drive(url, { concurrency: 16, seconds: longRunSeconds, onTick: () => samples.push(rssMiB(pid)) });
    const tenth = Math.max(1, Math.floor(samples.length / 6));
    const mean = (xs: number[]) => roundTo(xs.reduce((a, b) => a + b, 0) / xs.length);

    return {
      query: 'customers(first: 50) { cards, giftCards, orders(first: 5) { payments } }',
      squareLatencyMs: LATENCY_MS,
      budgetRatePerSecond: BUDGET_RATE,
      squareCallsPerQuery: { ...calls, documentedPlan: plan, naiveOneCallPerParent: naive },
      idealScheduleMs: idealMs,
      goalP50Ms: Math.round(idealMs * 1.25 + 10),
      concurrency1: c1,
      concurrency16: c16,
      gatewayCpuMsPerRequestAt0msLatency: cpuPerRequest,
      memory: {
        runSeconds: longRunSeconds,
        requests: long.requests,
        rssMiBFirstSixth: mean(samples.slice(0, tenth)),
        rssMiBLastSixth: mean(samples.slice(-tenth)),
        rssMiBPeak: Math.max(...samples),
      },
    };
  } finally {
    await gateway?.stop();
    await emulator?.stop();
  }
}
