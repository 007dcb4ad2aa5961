import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { freePort } from './free-port.js';
import { gatewayNodeFlags } from './node-flags.js';

/**
 * `npm run fleet` (after `npm run build`): the production process model on one machine. A
 * Square (the compiled emulator) and two compiled gateway instances sharing one PostgreSQL
 * event store and one Redis, as behind a load balancer; Square's webhooks reach instance A only.
 * It proves, and exits non-zero otherwise, that
 *  - a subscriber on instance B hears of a change whose webhook instance A received, once;
 *  - a seller's Square budget is one budget across both: what A spent, B cannot spend again.
 * Needs DATABASE_URL and REDIS_URL; works in a PostgreSQL schema and under a Redis prefix of its own.
 */

const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
if (!DATABASE_URL || !REDIS_URL) {
  console.error('usage: DATABASE_URL=postgres://… REDIS_URL=redis://… npm run fleet   (after npm run build)');
  process.exit(2);
}
if (!existsSync('dist/main.js')) {
  console.error('dist/main.js is missing: run npm run build first.');
  process.exit(2);
}

const DEMO_TOKEN = 'EMULATOR-DEMO-TOKEN';
const DEMO_CUSTOMER_ID = 'S19C2BAZ9MXHJHNRTC35H3GJWZ';
/** Small enough to watch it run out: 4 calls at once, then one per 5 s, and requests give up after 1 s. */
const BUDGET = { SQUARE_BURST: '4', SQUARE_RATE_PER_SECOND: '0.2', REQUEST_DEADLINE_MS: '1000' };

const run = randomBytes(4).toString('hex');
const schema = `fleet_${run}`;
const children: ChildProcess[] = [];

function fail(message: string): never {
  throw new Error(message);
}


/** Starts a compiled entry point and waits for the line announcing its URL. */
async function start(name: string, script: string, env: Record<string, string>, announces: RegExp): Promise<string> {
  const child = spawn(process.execPath, [...gatewayNodeFlags(), script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const url = announces.exec(output)?.[1];
    if (url) {
      console.log(`started ${name}: ${url}`);
      return url;
    }
    if (child.exitCode !== null || Date.now() > deadline) fail(`${name} did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function graphql(url: string, token: string, query: string): Promise<{ data?: Record<string, unknown>; errors?: Array<{ extensions?: { code?: string } }> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as never;
}

async function readyz(origin: string): Promise<unknown> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(`${origin}/readyz`);
    if (response.status === 200 || Date.now() > deadline) return response.json();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Server-sent events of one subscription, as they come; `next()` waits for the next (or undefined after `ms`). */
async function subscribe(url: string, token: string, query: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let pending: Promise<ReadableStreamReadResult<string>> | undefined;
  return {
    async next(ms: number): Promise<unknown> {
      const deadline = Date.now() + ms;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (/^event: next$/m.test(message) && data) return JSON.parse(data);
          continue;
        }
        pending ??= reader.read();
        const chunk = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
        if (!chunk) return undefined;
        pending = undefined;
        if (chunk.done) return undefined;
        buffer += chunk.value;
      }
    },
    close: () => controller.abort(),
  };
}

const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
try {
  await admin.query(`CREATE SCHEMA ${schema}`);
  const databaseUrl = new URL(DATABASE_URL);
  databaseUrl.searchParams.set('options', `-c search_path=${schema}`);

  const [portA, portB] = [await freePort(), await freePort()];
  const signatureKey = randomBytes(24).toString('base64url');
  // The one URL Square knows: a load balancer's in production, instance A's here.
  const webhookUrl = `http://127.0.0.1:${portA}/webhooks/square`;
  const square = await start(
    'Square (emulator)',
    'dist/emulator/main.js',
    { EMULATOR_PORT: '0', EMULATOR_WEBHOOK_URL: webhookUrl, EMULATOR_WEBHOOK_SIGNATURE_KEY: signatureKey },
    /listening on (\S+)/,
  );
  const instance = (port: number) => ({
    PORT: String(port),
    SQUARE_BASE_URL: square,
    GATEWAY_AUTH: 'passthrough',
    DATABASE_URL: databaseUrl.href,
    REDIS_URL,
    PUBSUB_PREFIX: `fleet-${run}:`,
    SQUARE_WEBHOOK_SIGNATURE_KEY: signatureKey,
    SQUARE_WEBHOOK_URL: webhookUrl,
    ...BUDGET,
  });
  const a = await start('gateway A', 'dist/main.js', instance(portA), /GraphQL gateway:\s+(\S+)/);
  const b = await start('gateway B', 'dist/main.js', instance(portB), /GraphQL gateway:\s+(\S+)/);
  for (const [name, url] of [['A', a], ['B', b]] as const) {
    const ready = JSON.stringify(await readyz(url.replace(/\/graphql$/, '')));
    if (ready !== '{"status":"ready","checks":{"eventStore":"ok","redis":"ok","square":"ok"}}') fail(`gateway ${name} is not ready: ${ready}`);
  }
  console.log('both instances ready: the event store, Redis and Square answer');

  // Live updates: subscribed on B, changed at Square, the webhook received by A.
  const watcher = await subscribe(b, DEMO_TOKEN, `subscription { customerUpdated(customerId: "${DEMO_CUSTOMER_ID}") { squareId givenName } }`);
  const givenName = `Amelia-${run}`;
  // B's subscription is made in Redis asynchronously; a change made before it would not be heard.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const update = await fetch(`${square}/v2/customers/${DEMO_CUSTOMER_ID}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` },
    body: JSON.stringify({ given_name: givenName }),
  });
  if (!update.ok) fail(`Square refused the change: ${update.status} ${await update.text()}`);
  // The data only: each event's extensions carry its cost, which varies.
  const heard = (await watcher.next(15_000)) as { data?: unknown } | undefined;
  if (JSON.stringify(heard?.data) !== JSON.stringify({ customerUpdated: { squareId: DEMO_CUSTOMER_ID, givenName } })) {
    fail(`the subscriber on B did not hear the change received by A: ${JSON.stringify(heard)}`);
  }
  const again = await watcher.next(1_000);
  watcher.close();
  if (again !== undefined) fail(`the subscriber on B heard the one change twice: ${JSON.stringify(again)}`);
  console.log('shared subscriptions: a subscriber on B heard, once, of the change whose webhook A received');

  // The budget: a seller of its own spends its burst of 4 on A; B then has nothing left to spend for it.
  const seller = `fleet-seller-${run}`;
  const spend = (count: number) =>
    `{ ${Array.from({ length: count }, (_, i) => `p${i}: payment(id: "fleet-${run}-${i}") { id }`).join(' ')} }`;
  const codes = (result: Awaited<ReturnType<typeof graphql>>) => (result.errors ?? []).map((error) => error.extensions?.code);
  await fetch(`${square}/_emulator/requests`, { method: 'DELETE' });
  const onA = await graphql(a, seller, spend(6));
  const onB = await graphql(b, seller, spend(1));
  const { requests } = (await (await fetch(`${square}/_emulator/requests`)).json()) as { requests: Array<{ path: string }> };
  // Every call for the seller counts: the payments, and the ListLocations that tells the cache whose they are.
  const made = requests.length;
  const paid = requests.filter((request) => request.path.startsWith(`/v2/payments/fleet-${run}-`)).length;
  const refusedOnA = codes(onA);
  if (made !== 4 || refusedOnA.length !== 6 - paid || refusedOnA.some((c) => c !== 'RATE_LIMITED') || JSON.stringify(codes(onB)) !== '["RATE_LIMITED"]') {
    fail(`the seller's budget is not shared: A refused ${refusedOnA}, B refused ${codes(onB)}, Square got ${made} calls (expected 4)`);
  }
  console.log('shared budget: A spent the seller’s burst of 4 Square calls; B was refused RATE_LIMITED without calling Square');
  console.log('fleet: ok');
} finally {
  await Promise.all(
    children.map((child) =>
      child.exitCode !== null ? undefined : new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
    ),
  );
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
}
