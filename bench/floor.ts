import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs, load, percentile, roundTo, startProcess, type Started } from './lib.js';
import { FULL_PAYMENT, nestedQuery, shownBy, type NestedAnswer } from './read-plan.js';
import { AUTH_HEADERS, clearSquareCalls, DEMO_TOKEN, ensureCustomers, postGraphQL, sleep, squareCalls, startEmulator, startGateway, stopAll } from './stack.js';
import { gatewayConfig } from '../src/gateway/config.js';
import { gatewayNodeFlags } from '../scripts/node-flags.js';

const CUSTOMERS = 20;
const LATENCY_MS = 20;
const QUERY = nestedQuery(CUSTOMERS, FULL_PAYMENT);
/** Unmeasured rounds first: Node compiles the hot paths of every process (gateways and emulator) during them. */
const COLD_WARM_UP = 2;
const WARM_WARM_UP = 300;
/** Cold pages a gateway with an unbounded budget serves before and while its CPU per cold page is measured once compiled. */
const STEADY_WARM_UP = 50;
const STEADY_PAGES = 100;
/** Orders a customer's page shows (`orders(first: 5)` in the query). */
const ORDERS_SHOWN = 5;

interface SquareJson {
  customers?: Array<{ id: string }>;
  orders?: Array<{ id: string; customer_id?: string; tenders?: Array<{ payment_id?: string; customer_id?: string }> }>;
  locations?: Array<{ id: string }>;
}

/**
 * The floor under any gateway for the nested page: a client that calls Square itself with
 * fetch and JSON.parse, the calls the gateway makes, in its three rounds, each round fully
 * concurrent: ListCustomers; per customer ListCards and ListGiftCards, and SearchOrders per
 * 10 customers; then GetPayment for each payment of the five latest orders of each customer.
 */
async function floorPage(emulatorUrl: string, locationIds: string[]): Promise<{ customers: number; payments: number }> {
  const call = async (path: string, body?: unknown): Promise<SquareJson> => {
    const response = await fetch(`${emulatorUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return JSON.parse(await response.text()) as SquareJson;
  };
  const { customers = [] } = await call(`/v2/customers?limit=${CUSTOMERS}&sort_field=CREATED_AT&sort_order=ASC`);
  const ids = customers.map((c) => c.id);
  const searches = [];
  for (let i = 0; i < ids.length; i += 10) {
    const batch = ids.slice(i, i + 10);
    searches.push(
      call('/v2/orders/search', {
        location_ids: locationIds,
        limit: 1000,
        query: { filter: { customer_filter: { customer_ids: batch } }, sort: { sort_field: 'CREATED_AT', sort_order: 'DESC' } },
      }),
    );
  }
  const [, , found] = await Promise.all([
    Promise.all(ids.map((id) => call(`/v2/cards?customer_id=${id}&include_disabled=true`))),
    Promise.all(ids.map((id) => call(`/v2/gift-cards?customer_id=${id}&limit=200`))),
    Promise.all(searches),
  ]);
  const orders = found.flatMap((page) => page.orders ?? []);
  const paymentIds = new Set<string>();
  for (const id of ids) {
    const own = orders.filter((o) => o.customer_id === id || o.tenders?.some((t) => t.customer_id === id)).slice(0, ORDERS_SHOWN);
    for (const order of own) for (const tender of order.tenders ?? []) if (tender.payment_id) paymentIds.add(tender.payment_id);
  }
  await Promise.all([...paymentIds].map((id) => call(`/v2/payments/${id}`)));
  return { customers: ids.length, payments: paymentIds.size };
}

interface Side {
  name: string;
  cold: Started;
  /** No cache and a budget that never waits: cold pages back to back, for the CPU of each once Node has compiled the hot paths. */
  steady: Started;
  warm: Started;
  /** When its cold gateway's budget last spent a page, to wait until it has earned the next one back. */
  lastColdAt: number;
  coldMs: number[];
  coldCpuMs: number;
  coldEmulatorCpuMs: number;
  coldCalls: number[];
  steadyCpuMs: number;
  warmMs: number[];
  warmCpuMs: number;
  /** `{ __typename }` on the warm gateway: what a request costs it before any field of the page. */
  emptyMs: number[];
  emptyCpuMs: number;
  throughput: number[];
}

const EMPTY_QUERY = '{ __typename }';

const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

/**
 * The nested page (20 customers with cards, gift cards, five orders and their payments,
 * a payment field only GetPayment has) against the floor, on one emulator answering
 * every Square call after 20 ms:
 * - cold: the gateway with its default settings (no cache), sampled alternately with the
 *   floor client (floorPage) in one run, each gateway sample once its default budget has
 *   earned back the last one's calls; wall time, and CPU per page of the gateway and of
 *   the emulator (from /proc, summed over the samples): a fresh process's, while Node still
 *   compiles, and (`gatewayCpuMsPerPageCompiled`) that of a gateway with an unbounded budget
 *   after 50 cold pages back to back, as a gateway in service spends it.
 * - warm: a gateway with the cache on, the page repeated after its first answer: p50 at
 *   concurrency 1 and CPU per page, then throughput with 16 connections (autocannon); and
 *   `{ __typename }` the same way on the same gateway (what a request costs before any field).
 * - bare yoga (bench/bare-yoga.ts): the same page, as the warm gateway answered it, served
 *   from memory by graphql-yoga and graphql-js's default resolvers under the gateway's SDL,
 *   and `{ __typename }` there: the least this page and any request cost on this stack here.
 * - the floor client's own CPU per page (fetch and JSON.parse of the same calls, this process's CPU), in the cold
 *   samples and (`clientCpuMsPerPageCompiled`) over the steady gateways' 100 pages, between them.
 * With BENCH_BASELINE_DIR (another checkout, e.g. `git worktree add /tmp/old <commit>` with
 * node_modules linked) its gateways are measured beside, interleaved sample by sample; with
 * BENCH_BASELINE_NODE too, on that Node executable (a copy whose native modules are built for it).
 * Wall times on a shared machine move with its load: the load average is reported.
 */
export async function benchFloor(samples: number, repeats: number, seconds: number) {
  const started: Array<Started | undefined> = [];
  let pageDir: string | undefined;
  try {
    const emulator = await startEmulator({ EMULATOR_LATENCY_MS: String(LATENCY_MS) });
    started.push(emulator);
    await ensureCustomers(emulator.url, CUSTOMERS);
    const dirs: Array<[string, string | undefined]> = [['gateway', undefined]];
    const node = process.env.BENCH_BASELINE_NODE;
    if (process.env.BENCH_BASELINE_DIR) dirs.push(['baseline', process.env.BENCH_BASELINE_DIR]);
    const sides: Side[] = [];
    for (const [name, dir] of dirs) {
      const where = dir ? { cwd: dir, node } : {};
      const cold = await startGateway(emulator.url, {}, where);
      started.push(cold);
      const steady = await startGateway(emulator.url, { SQUARE_RATE_PER_SECOND: '1000000', SQUARE_BURST: '1000000' }, where);
      started.push(steady);
      const warm = await startGateway(emulator.url, { CACHE_TTL_MS: '300000', SQUARE_RATE_PER_SECOND: '1000000', SQUARE_BURST: '1000000' }, where);
      started.push(warm);
      sides.push({ name, cold, steady, warm, lastColdAt: 0, coldMs: [], coldCpuMs: 0, coldEmulatorCpuMs: 0, coldCalls: [], steadyCpuMs: 0, warmMs: [], warmCpuMs: 0, emptyMs: [], emptyCpuMs: 0, throughput: [] });
    }
    const emulatorPid = emulator.child.pid!;
    const locations = (await (await fetch(`${emulator.url}/v2/locations`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } })).json()) as SquareJson;
    const locationIds = (locations.locations ?? []).map((l) => l.id);

    const page = async (url: string) => {
      const { ms, body } = await postGraphQL(url, QUERY);
      if (body.errors) throw new Error(`gateway query failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
      return { ms, shown: shownBy(body.data as NestedAnswer) };
    };
    // Each gateway's per-token location list, read once as the floor client's is.
    for (const side of sides) await postGraphQL(side.cold.url, '{ locations { id } }');

    await clearSquareCalls(emulator.url);
    const floorShown = await floorPage(emulator.url, locationIds);
    const floorCalls = (await squareCalls(emulator.url)).length;
    const ratePerSecond = gatewayConfig({}).squareRatePerSecond;
    const floor = { ms: [] as number[], emulatorCpuMs: 0, clientCpuMs: 0 };
    /** One floor page, and the CPU this process (the floor client) spent on it. */
    const floorPageCpuMs = async () => {
      const before = cpuMs(process.pid);
      await floorPage(emulator.url, locationIds);
      return cpuMs(process.pid) - before;
    };
    let gatewayShown = floorShown;
    for (let i = 0; i < COLD_WARM_UP + samples; i++) {
      const measured = i >= COLD_WARM_UP;
      let cpu = cpuMs(emulatorPid);
      let at = performance.now();
      const clientCpuMs = await floorPageCpuMs();
      if (measured) {
        floor.ms.push(performance.now() - at);
        floor.clientCpuMs += clientCpuMs;
        floor.emulatorCpuMs += cpuMs(emulatorPid) - cpu;
      }
      for (const side of sides) {
        const refillMs = ((side.coldCalls.at(-1) ?? floorCalls) / ratePerSecond) * 1000;
        await sleep(Math.max(0, side.lastColdAt + refillMs - performance.now()));
        await clearSquareCalls(emulator.url);
        const pid = side.cold.child.pid!;
        const gatewayCpu = cpuMs(pid);
        cpu = cpuMs(emulatorPid);
        at = performance.now();
        const { ms, shown } = await page(side.cold.url);
        side.lastColdAt = performance.now();
        gatewayShown = shown;
        const calls = (await squareCalls(emulator.url)).length;
        if (!measured) continue;
        side.coldMs.push(ms);
        side.coldCpuMs += cpuMs(pid) - gatewayCpu;
        side.coldEmulatorCpuMs += cpuMs(emulatorPid) - cpu;
        side.coldCalls.push(calls);
      }
    }

    let floorSteadyCpuMs = 0;
    for (let i = 0; i < STEADY_WARM_UP + STEADY_PAGES; i++) {
      const clientCpuMs = await floorPageCpuMs();
      if (i >= STEADY_WARM_UP) floorSteadyCpuMs += clientCpuMs;
      for (const side of sides) {
        const pid = side.steady.child.pid!;
        const cpu = cpuMs(pid);
        await page(side.steady.url);
        if (i >= STEADY_WARM_UP) side.steadyCpuMs += cpuMs(pid) - cpu;
      }
    }

    for (const side of sides) {
      for (let i = 0; i < WARM_WARM_UP; i++) await page(side.warm.url);
    }
    // The same page from memory on bare yoga: the data the warm gateway answers, under the gateway's SDL.
    pageDir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
    const pageData = join(pageDir, 'page.json');
    writeFileSync(pageData, JSON.stringify((await postGraphQL(sides[0]!.warm.url, QUERY)).body.data));
    const yoga = await startProcess('bench/bare-yoga.ts', { NODE_ENV: 'production', BARE_YOGA_DATA: pageData }, /bare yoga on (http:\/\/\S+)/, gatewayNodeFlags());
    started.push(yoga);
    const bareYoga = { pageMs: [] as number[], pageCpuMs: 0, emptyMs: [] as number[], emptyCpuMs: 0, throughput: [] as number[], emptyThroughput: [] as number[] };
    for (let i = 0; i < WARM_WARM_UP; i++) await page(yoga.url);
    for (let i = 0; i < repeats; i++) {
      for (const side of sides) {
        const pid = side.warm.child.pid!;
        const cpu = cpuMs(pid);
        side.warmMs.push((await page(side.warm.url)).ms);
        side.warmCpuMs += cpuMs(pid) - cpu;
      }
      const cpu = cpuMs(yoga.child.pid!);
      bareYoga.pageMs.push((await page(yoga.url)).ms);
      bareYoga.pageCpuMs += cpuMs(yoga.child.pid!) - cpu;
    }
    // `{ __typename }` back to back, as the page was: a process's CPU over the whole run, from /proc's 10 ms ticks.
    const empties = async (url: string, pid: number, into: { emptyMs: number[]; emptyCpuMs: number }) => {
      const one = async () => {
        const { ms, body } = await postGraphQL(url, EMPTY_QUERY);
        if (body.errors) throw new Error(`{ __typename } failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
        return ms;
      };
      for (let i = 0; i < WARM_WARM_UP; i++) await one();
      const cpu = cpuMs(pid);
      for (let i = 0; i < repeats; i++) into.emptyMs.push(await one());
      into.emptyCpuMs = cpuMs(pid) - cpu;
    };
    for (const side of sides) await empties(side.warm.url, side.warm.child.pid!, side);
    await empties(yoga.url, yoga.child.pid!, bareYoga);
    const body = JSON.stringify({ query: QUERY });
    for (let round = 0; round < 2; round++) {
      for (const side of sides) {
        const result = await load({ url: side.warm.url, method: 'POST', headers: AUTH_HEADERS, body, connections: 16, duration: seconds });
        if (result.errors > 0 || result.non2xx > 0) throw new Error(`${side.name}: ${result.errors} errors, ${result.non2xx} non-2xx under load`);
        side.throughput.push(result.requestsPerSecond);
      }
    }
    for (const [into, query] of [[bareYoga.throughput, QUERY], [bareYoga.emptyThroughput, EMPTY_QUERY]] as const) {
      const result = await load({ url: yoga.url, method: 'POST', headers: AUTH_HEADERS, body: JSON.stringify({ query }), connections: 16, duration: seconds });
      if (result.errors > 0 || result.non2xx > 0) throw new Error(`bare yoga: ${result.errors} errors, ${result.non2xx} non-2xx under load`);
      into.push(result.requestsPerSecond);
    }

    const floorLatency = summary(floor.ms);
    const bySide = Object.fromEntries(
      sides.map((side) => {
        const cold = summary(side.coldMs);
        const warm = summary(side.warmMs);
        return [
          side.name,
          {
            cold: {
              ...cold,
              p50VsFloor: roundTo(cold.p50 / floorLatency.p50, 2),
              gatewayCpuMsPerPage: roundTo(side.coldCpuMs / side.coldMs.length),
              gatewayCpuMsPerPageCompiled: roundTo(side.steadyCpuMs / STEADY_PAGES),
              emulatorCpuMsPerPage: roundTo(side.coldEmulatorCpuMs / side.coldMs.length),
              squareCallsPerSample: { min: Math.min(...side.coldCalls), max: Math.max(...side.coldCalls) },
            },
            warm: {
              ...warm,
              gatewayCpuMsPerPage: roundTo(side.warmCpuMs / side.warmMs.length, 2),
              requestsPerSecond16Connections: side.throughput,
              emptyQuery: { p50: summary(side.emptyMs).p50, gatewayCpuMsPerRequest: roundTo(side.emptyCpuMs / side.emptyMs.length, 2) },
            },
          },
        ];
      }),
    );
    return {
      query: `customers(first: ${CUSTOMERS}) { cards, giftCards, orders(first: 5) { payments { ${FULL_PAYMENT} } } }`,
      squareLatencyMs: LATENCY_MS,
      loadAverage: loadavg().map((l) => roundTo(l, 2)),
      shown: { gateway: gatewayShown, floor: floorShown },
      floor: {
        ...floorLatency,
        squareCalls: floorCalls,
        clientCpuMsPerPage: roundTo(floor.clientCpuMs / floor.ms.length),
        clientCpuMsPerPageCompiled: roundTo(floorSteadyCpuMs / STEADY_PAGES),
        emulatorCpuMsPerPage: roundTo(floor.emulatorCpuMs / floor.ms.length),
      },
      bareYoga: {
        page: {
          ...summary(bareYoga.pageMs),
          cpuMsPerPage: roundTo(bareYoga.pageCpuMs / bareYoga.pageMs.length, 2),
          requestsPerSecond16Connections: bareYoga.throughput,
        },
        emptyQuery: {
          p50: summary(bareYoga.emptyMs).p50,
          cpuMsPerRequest: roundTo(bareYoga.emptyCpuMs / bareYoga.emptyMs.length, 2),
          requestsPerSecond16Connections: bareYoga.emptyThroughput,
        },
      },
      ...bySide,
    };
  } finally {
    await stopAll(started);
    if (pageDir) rmSync(pageDir, { recursive: true, force: true });
  }
}
