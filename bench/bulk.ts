import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SquareClient } from 'square';
import { gatewayNodeFlags } from '../scripts/node-flags.js';
import { percentile, roundTo, rssMiB, BENCH_WEBHOOK_KEY, startPassthroughGateway, type Started } from './lib.js';
import { DEMO_TOKEN, postGraphQL, sleep, startEmulator, stopAll, type GraphQLBody } from './stack.js';

/** What a remote Square adds to each call, as the other benchmarks simulate it (EMULATOR_LATENCY_MS). */
const LATENCY_MS = 20;
/** The seller's budget: the gateway's defaults, SQUARE_RATE_PER_SECOND and SQUARE_BURST. */
const RATE = 20;
const BURST = 200;
const KEY = BENCH_WEBHOOK_KEY;
/** What a bulk bench's gateway adds to a passthrough gateway's settings. */
const BULK_ENV = { BULK_SECRET: 'bench-bulk-secret-of-at-least-32-characters', CACHE_TTL_MS: '0', LOG_LEVEL: 'warn' };
/** Seconds between interactive pages during the export, and before it (after each, the budget has its burst back). */
const INTERACTIVE_EVERY_S = 10;
const IDLE_SAMPLES = 10;

/** Customers with cards and gift cards, orders with their payments (tender-held fields: no GetPayment), as a partner's first sync reads them. */
const EXPORT = `{ customers { edges { node { id givenName familyName emailAddress cards { id last4 cardBrand } giftCards { id gan balanceMoney { amount } }
  orders { edges { node { id createdAt totalMoney { amount currency } payments { id status totalMoney { amount } } } } } } } } }`;
/** The same data an interactive client reads a page at a time, 20 customers (the largest page with their orders the query limits let through at once). */
const PAGE = `query Page($after: String) { customers(first: 20, after: $after) { edges { node { id givenName familyName emailAddress cards { id last4 cardBrand } giftCards { id gan balanceMoney { amount } }
  orders(first: 10) { edges { node { id createdAt totalMoney { amount currency } payments { id status totalMoney { amount } } } } } } } pageInfo { hasNextPage endCursor } } }`;
/** The interactive nested page measured idle and during the export (bench/cache.ts's). */
const NESTED = `{ customers(first: 20) { edges { node { id squareId givenName cards { last4 cardBrand } giftCards { gan balanceMoney { amount } }
  orders(first: 5) { edges { node { id totalMoney { amount } payments { id status totalMoney { amount } } } } } } } } }`;

const START = 'mutation($q: String!) { bulkOperationRunQuery(query: $q) { __typename ... on BulkOperationRunQuerySuccess { bulkOperation { id } } ... on Error { message } } }';
const STATUS = 'query($id: ID!) { bulkOperation(id: $id) { status objectCount rootObjectCount fileSize url errorCode errorMessage changesCursor } }';
const FEED = 'query($after: String) { changes(after: $after, first: 100) { edges { node { eventId } } pageInfo { hasNextPage endCursor } } }';

interface Status {
  status: string;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string;
  url: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  changesCursor: string;
}

async function gql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const { body } = await postGraphQL(url, query, variables);
  if (body.errors) throw new Error(`query failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}

/** Square calls a gateway process has made so far (its gateway_square_requests_total, every attempt). */
async function squareCallsOf(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  return [...text.matchAll(/^gateway_square_requests_total\{[^}]*\} (\d+)/gm)].reduce((n, [, count]) => n + Number(count), 0);
}


async function startExport(url: string): Promise<string> {
  const { bulkOperationRunQuery: started } = await gql(url, START, { q: EXPORT });
  if (started.__typename !== 'BulkOperationRunQuerySuccess') throw new Error(`export refused: ${JSON.stringify(started)}`);
  return started.bulkOperation.id;
}

const statusOf = async (url: string, id: string): Promise<Status> => (await gql(url, STATUS, { id })).bulkOperation;

/** The export's file, read as it streams: its lines (as text), never all of it parsed at once. */
async function download(url: string): Promise<string[]> {
  const text = await (await fetch(url)).text();
  return text.slice(0, -1).split('\n');
}

/**
 * Bulk export of a large seller (issue 22): a seller of `customers` customers (cards, gift
 * cards, orders, payments; POST /_emulator/seed), Square 20 ms a call, the default budget
 * (20 calls a second, bursts of 200). Measures, on the gateway process: the export's Square
 * calls against the interactive plan for the same data (a client paging it 20 customers at a
 * time, on a gateway with no budget to wait for), elapsed time against calls / rate, RSS
 * growth, and the interactive nested page's p50 during the export against idle. Changes made
 * during the export are then looked for in the change feed after its changesCursor: each must
 * be there once. Then the resume: the gateway running an export of `resumeCustomers` is
 * killed (SIGKILL) halfway, a new one on the same file resumes it after its lease, and its
 * file is compared with an uninterrupted export's, line for line (up to order).
 */
export async function benchBulk(customers: number, resumeCustomers: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bulk-'));
  const started: Started[] = [];
  try {
    const emulator = await startEmulator({ EMULATOR_SEED: 'false', EMULATOR_LATENCY_MS: String(LATENCY_MS) });
    started.push(emulator);
    const seedStarted = performance.now();
    const seeded = await (
      await fetch(`${emulator.url}/_emulator/seed`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ customers, gift_cards_every: 2, orders_per_customer: 2 }),
      })
    ).json();
    const seedSeconds = roundTo((performance.now() - seedStarted) / 1000);

    const gateway = await startPassthroughGateway(emulator.url, join(dir, 'gateway.db'), { ...BULK_ENV, SQUARE_RATE_PER_SECOND: String(RATE), SQUARE_BURST: String(BURST) });
    started.push(gateway);
    await fetch(`${emulator.url}/_emulator/webhooks`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: gateway.webhookUrl, signature_key: KEY }),
    });
    await gql(gateway.url, '{ locations { id } }');
    const nested = async () => {
      const { ms, body } = await postGraphQL(gateway.url, NESTED);
      if (body.errors) throw new Error(`nested page failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
      return { ms, calls: (body as GraphQLBody).extensions?.cost?.actualQueryCost ?? 0 };
    };
    // Idle: after a warm-up, with the burst back before each.
    await nested();
    await sleep(INTERACTIVE_EVERY_S * 1000);
    const idle: number[] = [];
    for (let i = 0; i < IDLE_SAMPLES; i++) {
      idle.push((await nested()).ms);
      await sleep(INTERACTIVE_EVERY_S * 1000);
    }

    // The export, with an interactive page and a change of a customer every INTERACTIVE_EVERY_S.
    const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: emulator.url, maxRetries: 0 });
    const someCustomers = (await square.customers.list({ limit: 100 })).data.map((c) => c.id!);
    const rssBefore = rssMiB(gateway.child.pid!);
    const callsBefore = await squareCallsOf(gateway.url);
    const exportStarted = performance.now();
    const id = await startExport(gateway.url);
    const during: number[] = [];
    let interactiveCalls = 0;
    const changed: string[] = [];
    let rssMax = rssBefore;
    let status = await statusOf(gateway.url, id);
    for (let tick = 0; status.status === 'CREATED' || status.status === 'RUNNING'; tick++) {
      await sleep(1000);
      rssMax = Math.max(rssMax, rssMiB(gateway.child.pid!));
      if (tick % INTERACTIVE_EVERY_S === INTERACTIVE_EVERY_S - 1) {
        const page = await nested();
        during.push(page.ms);
        interactiveCalls += page.calls;
        await square.customers.update({ customerId: someCustomers[changed.length % someCustomers.length]!, note: `changed during the export ${changed.length}` });
        changed.push(someCustomers[changed.length % someCustomers.length]!);
      }
      status = await statusOf(gateway.url, id);
    }
    const elapsedS = (performance.now() - exportStarted) / 1000;
    const callsDuring = (await squareCallsOf(gateway.url)) - callsBefore;
    if (status.status !== 'COMPLETED') throw new Error(`export ${status.status}: ${status.errorCode} ${status.errorMessage}`);
    const downloadStarted = performance.now();
    const lines = await download(status.url!);
    const downloadS = (performance.now() - downloadStarted) / 1000;

    // Every change made during the export, once, in the feed after the export's cursor.
    const { events } = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as { events: Array<{ event_id: string; type: string; data: { id: string; object?: { customer?: { note?: string } } } }> };
    const changeEvents = events.filter((e) => e.type === 'customer.updated' && e.data.object?.customer?.note?.startsWith('changed during the export')).map((e) => e.event_id);
    await sleep(2_000);
    const feed: string[] = [];
    for (let after: string | null = status.changesCursor; ; ) {
      const { changes } = await gql(gateway.url, FEED, { after });
      feed.push(...changes.edges.map((edge: { node: { eventId: string } }) => edge.node.eventId));
      if (!changes.pageInfo.hasNextPage) break;
      after = changes.pageInfo.endCursor;
    }
    const onceEach = changeEvents.every((event) => feed.filter((e) => e === event).length === 1);
    await stopAll([gateway]);
    started.splice(started.indexOf(gateway), 1);

    // The interactive plan for the same data: every page of 20 customers, on a gateway with no budget to wait for.
    const walker = await startPassthroughGateway(emulator.url, join(dir, 'walker.db'), { ...BULK_ENV, SQUARE_RATE_PER_SECOND: '1000000', SQUARE_BURST: '1000000' });
    started.push(walker);
    await gql(walker.url, '{ locations { id } }');
    const walkBefore = await squareCallsOf(walker.url);
    let pages = 0;
    for (let after: string | null = null; ; pages++) {
      const { customers: page } = await gql(walker.url, PAGE, { after });
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const interactivePlanCalls = (await squareCallsOf(walker.url)) - walkBefore;
    await stopAll([walker]);
    started.splice(started.indexOf(walker), 1);

    const exportCalls = callsDuring - interactiveCalls;
    const idleP50 = percentile([...idle].sort((a, b) => a - b), 50);
    const duringP50 = percentile([...during].sort((a, b) => a - b), 50);
    const nodeDefaults = await exportWithNodeDefaults(emulator.url, join(dir, 'node-defaults.db'));
    const resume = await benchResume(emulator.url, dir, resumeCustomers);
    return {
      seller: { ...seeded, seedSeconds },
      squareLatencyMs: LATENCY_MS,
      budget: { ratePerSecond: RATE, burst: BURST },
      export: {
        objectCount: Number(status.objectCount),
        rootObjectCount: Number(status.rootObjectCount),
        fileSizeMiB: roundTo(Number(status.fileSize) / 1024 / 1024),
        linesDownloaded: lines.length,
        downloadSeconds: roundTo(downloadS),
        squareCalls: exportCalls,
        interactivePlanCalls: { calls: interactivePlanCalls, pages: pages + 1, goal: 'export ≤ this', met: exportCalls <= interactivePlanCalls },
        elapsedSeconds: roundTo(elapsedS),
        callsOverRateSeconds: roundTo((exportCalls + interactiveCalls) / RATE),
        elapsedOverCallsPerRate: { value: roundTo(elapsedS / ((exportCalls + interactiveCalls) / RATE), 2), goal: '≤ 1.1' },
        rssMiB: { nodeFlags: gatewayNodeFlags().join(' '), before: rssBefore, max: rssMax, growth: roundTo(rssMax - rssBefore), goal: '≤ 50' },
        rssMiBWithNodeDefaults: nodeDefaults,
      },
      interactiveNestedPage: {
        idle: { samples: idle.length, p50Ms: idleP50 },
        duringExport: { samples: during.length, p50Ms: duringP50, squareCalls: interactiveCalls },
        ratio: { value: roundTo(duringP50 / idleP50, 2), goal: '≤ 1.3' },
      },
      changeFeed: { changesDuringExport: changeEvents.length, eachOnceAfterChangesCursor: onceEach, feedLength: feed.length },
      resume,
    };
  } finally {
    await stopAll(started);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same export on a gateway started with none of the project's Node flags (`[]`), at 200
 * calls a second: with Node's default heap limit on a large machine, V8 lets the old generation
 * grow to four times the live heap before it collects it, where under the project's limit
 * (package.json `config.nodeFlags`) it lets it grow to 1.6 times.
 */
async function exportWithNodeDefaults(emulatorUrl: string, db: string) {
  const gateway = await startPassthroughGateway(emulatorUrl, db, { ...BULK_ENV, SQUARE_RATE_PER_SECOND: '200', SQUARE_BURST: '400' }, []);
  try {
    await gql(gateway.url, '{ locations { id } }');
    const before = rssMiB(gateway.child.pid!);
    let max = before;
    const id = await startExport(gateway.url);
    let status: Status;
    while ((status = await statusOf(gateway.url, id)).status === 'CREATED' || status.status === 'RUNNING') {
      await sleep(500);
      max = Math.max(max, rssMiB(gateway.child.pid!));
    }
    return { nodeFlags: 'none', status: status.status, objectCount: Number(status.objectCount), before, max, growth: roundTo(max - before) };
  } finally {
    await stopAll([gateway]);
  }
}

/**
 * Kill -9 of the gateway running an export of a seller of `customers`, halfway; a new gateway on
 * the same file resumes it once its lease runs out (30 s). Its file against an uninterrupted export's.
 */
async function benchResume(emulatorUrl: string, dir: string, customers: number) {
  const token = 'bench-bulk-resume-seller';
  await fetch(`${emulatorUrl}/_emulator/seed`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customers, gift_cards_every: 2, orders_per_customer: 2 }),
  });
  const db = join(dir, 'resume.db');
  const fast = { SQUARE_RATE_PER_SECOND: '200', SQUARE_BURST: '400' };
  const post = async (url: string, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    return ((await response.json()) as { data: any }).data;
  };
  const run = async (url: string) => (await post(url, START, { q: EXPORT })).bulkOperationRunQuery.bulkOperation.id as string;
  const status = async (url: string, id: string): Promise<Status> => (await post(url, STATUS, { id })).bulkOperation;
  const expected = customers * 3;

  const first = await startPassthroughGateway(emulatorUrl, db, { ...BULK_ENV, ...fast });
  const id = await run(first.url);
  let killedAt = 0;
  for (;;) {
    const now = await status(first.url, id);
    if (Number(now.objectCount) >= expected / 2) {
      first.child.kill('SIGKILL');
      killedAt = Number(now.objectCount);
      break;
    }
    await sleep(100);
  }
  await new Promise((resolve) => first.child.once('exit', resolve));
  const restarted = performance.now();
  const second = await startPassthroughGateway(emulatorUrl, db, { ...BULK_ENV, ...fast });
  try {
    let resumed: Status;
    while (!['COMPLETED', 'FAILED', 'CANCELED'].includes((resumed = await status(second.url, id)).status)) await sleep(500);
    const resumedS = (performance.now() - restarted) / 1000;
    const reference = await run(second.url);
    let uninterrupted: Status;
    while (!['COMPLETED', 'FAILED', 'CANCELED'].includes((uninterrupted = await status(second.url, reference)).status)) await sleep(500);
    const [afterCrash, whole] = [(await download(resumed.url!)).sort(), (await download(uninterrupted.url!)).sort()];
    return {
      customers,
      linesWhenKilled: killedAt,
      lines: afterCrash.length,
      expectedLines: expected,
      completedSecondsAfterRestart: roundTo(resumedS),
      equalToUninterruptedUpToOrder: afterCrash.length === whole.length && afterCrash.every((line, i) => line === whole[i]),
    };
  } finally {
    await stopAll([second]);
  }
}
