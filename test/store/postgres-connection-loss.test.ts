import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import pg from 'pg';
import { SquareClient } from 'square';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { PostgresEventStore } from '../../src/store/index.js';
import { DemoCustomerLineageDocument } from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { key } from '../support/fixtures.js';
import { SERVER_TOKEN, type GraphQLResult } from '../support/gateway.js';
import { subscribeSse, type SseSubscription } from '../support/sse.js';
import { DATABASE_URL, postgresLocation, type StoreLocation } from '../support/stores.js';
import { WAIT } from '../support/waiting.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const SIGNATURE_KEY = 'connection-loss-signature-key';
const PAYMENT_UPDATED = print(graphql(`subscription ConnectionLossPayments { paymentUpdated { squareId } }`));
/** Rounds of terminating all of the gateway's connections, one every TERMINATE_EVERY_MS while traffic runs. */
const ROUNDS = 40;
const TERMINATE_EVERY_MS = 150;

/** Square's deliveries pass through here on their way to the gateway, so the test knows which it acknowledged. */
function recordingProxy(target: () => string, acknowledged: Map<string, number>, refused: number[]): Server {
  return createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const eventId = (JSON.parse(body.toString()) as { event_id: string }).event_id;
      let status: number;
      let text: string;
      try {
        const answer = await fetch(`${target()}${request.url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': String(request.headers['x-square-hmacsha256-signature']) },
          body,
        });
        status = answer.status;
        text = await answer.text();
      } catch {
        status = 502;
        text = '{}';
      }
      if (status >= 200 && status < 300) acknowledged.set(eventId, (acknowledged.get(eventId) ?? 0) + 1);
      else refused.push(status);
      response.writeHead(status, { 'content-type': 'application/json' }).end(text);
    })();
  });
}

const listen = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));

/**
 * A PostgreSQL failover, as the gateway sees it: every one of its connections terminated, over
 * and over, while Square's webhooks arrive and callers query and subscribe. The gateway runs as
 * its own process (`npm start`), so that an unhandled 'error' event kills it as it would in
 * production, and its connections carry an application_name of their own: only they are killed.
 */
describe.skipIf(!DATABASE_URL)('the gateway on PostgreSQL while its connections are terminated', () => {
  const applicationName = `gateway-conn-loss-${randomUUID().slice(0, 8)}`;
  const acknowledged = new Map<string, number>();
  const refused: number[] = [];
  let location: StoreLocation & { schema: string };
  let admin: pg.Client;
  let emulator: Emulator;
  let emulatorUrl: string;
  let proxy: Server;
  let gateway: ChildProcess;
  let gatewayUrl = '';
  let output = '';
  let exit: string | undefined;

  beforeAll(async () => {
    location = postgresLocation();
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${location.schema}`);
    emulator = await createEmulator({ seed: false });
    emulatorUrl = await emulator.listen();
    proxy = recordingProxy(() => gatewayUrl, acknowledged, refused);
    const notificationUrl = `${await listen(proxy)}/webhooks/square`;
    emulator.ctx.webhooks.configure({ url: notificationUrl, signatureKey: SIGNATURE_KEY, retryBaseMs: 50, maxAttempts: 10 });

    const databaseUrl = new URL(DATABASE_URL!);
    databaseUrl.searchParams.set('application_name', applicationName);
    databaseUrl.searchParams.set('options', `-c search_path=${location.schema}`);
    gateway = spawn(process.execPath, ['--import', TSX, MAIN], {
      // Only what is set here, whatever the shell running the tests carries.
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        SQUARE_BASE_URL: emulatorUrl,
        GATEWAY_AUTH: 'passthrough',
        SQUARE_WEBHOOK_SIGNATURE_KEY: SIGNATURE_KEY,
        SQUARE_WEBHOOK_URL: notificationUrl,
        DATABASE_URL: databaseUrl.href,
        LOG_LEVEL: 'warn',
      },
    });
    gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.once('exit', (code, signal) => (exit = `exited with ${code ?? signal}`));
    gatewayUrl = await vi.waitUntil(() => {
      if (exit) throw new Error(`the gateway ${exit} before it listened:\n${output}`);
      return /GraphQL gateway:\s+(\S+)/.exec(output)?.[1]?.replace(/\/graphql$/, '');
    }, { ...WAIT, timeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    if (gateway && !exit) {
      const exited = new Promise((resolve) => gateway.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    await emulator?.close();
    await new Promise((resolve) => proxy?.close(resolve));
    await admin?.end();
    await location?.drop();
  });

  it('stays up, and applies every acknowledged event once', async () => {
    const square = new SquareClient({ token: SERVER_TOKEN, baseUrl: emulatorUrl, maxRetries: 0 });
    const auth = { authorization: `Bearer ${SERVER_TOKEN}` };
    const graphqlUrl = `${gatewayUrl}/graphql`;
    const merchantId = (await square.locations.list()).locations![0]!.merchantId!;
    const live = await subscribeSse(graphqlUrl, PAYMENT_UPDATED, {}, { headers: auth });

    let traffic = true;
    const survivors: Array<{ id: string; from: string[] }> = [];
    const pay = async () => {
      while (traffic) {
        await square.payments.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', amountMoney: { amount: 100n, currency: 'USD' } });
      }
    };
    const merge = async () => {
      while (traffic) {
        const from = await Promise.all([1, 2].map(async (n) => (await square.customers.create({ givenName: `Lost ${n}` })).customer!.id!));
        const response = await fetch(`${emulatorUrl}/_emulator/customers/merge`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({ from_customer_ids: from }),
        });
        survivors.push({ id: ((await response.json()) as { customer: { id: string } }).customer.id, from });
      }
    };
    // Lineage reads the store; a resumed subscription replays from it. Each is answered: with data, or with a typed error.
    const answers = { data: 0, errors: new Map<string, number>(), failed: [] as string[] };
    const answered = (result: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> | undefined }) => {
      if (!result.errors) answers.data++;
      for (const error of result.errors ?? []) {
        const code = String(error.extensions?.code);
        answers.errors.set(code, (answers.errors.get(code) ?? 0) + 1);
      }
    };
    const query = async () => {
      while (traffic) {
        const survivor = survivors.at(-1);
        if (survivor) {
          try {
            const response = await fetch(graphqlUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...auth },
              body: JSON.stringify({ query: print(DemoCustomerLineageDocument), variables: { id: survivor.id } }),
            });
            answered((await response.json()) as GraphQLResult<unknown>);
          } catch (error) {
            answers.failed.push(`lineage: ${(error as Error).message}`);
          }
        }
        const from = Math.max(0, Number(live.lastEventId ?? 0) - 3);
        try {
          const resumed = await subscribeSse(graphqlUrl, PAYMENT_UPDATED, {}, { headers: { ...auth, 'last-event-id': String(from) } });
          answered(await resumed.next());
          resumed.close();
        } catch (error) {
          answers.failed.push(`resume: ${(error as Error).message}`);
        }
      }
    };
    let killed = 0;
    const terminate = async () => {
      for (let round = 0; round < ROUNDS && !exit; round++) {
        await new Promise((resolve) => setTimeout(resolve, TERMINATE_EVERY_MS));
        const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
        killed += rowCount ?? 0;
      }
      traffic = false;
    };
    await Promise.all([terminate(), pay(), merge(), query()]);

    expect(exit, `the gateway died:\n${output}`).toBeUndefined();
    expect(killed).toBeGreaterThan(ROUNDS / 2);
    expect((await fetch(`${gatewayUrl}/healthz`)).status).toBe(200);
    expect(answers.failed).toEqual([]);
    expect(answers.data).toBeGreaterThan(0);

    // Square (the emulator) delivers again until acknowledged, so in the end every event it sent is.
    const sent = emulator.ctx.webhooks.events().map((event) => event.event_id);
    await expect.poll(() => sent.filter((id) => !acknowledged.has(id)), { timeout: 60_000 }).toEqual([]);
    const { rows: stored } = await vi.waitUntil(
      async () => {
        const result = await admin.query<{ event_id: string; type: string; applied_seq: string | null }>(
          `SELECT event_id, type, applied_seq FROM ${location.schema}.webhook_events`,
        );
        return result.rows.every((row) => row.applied_seq !== null) && result.rowCount === acknowledged.size && result;
      },
      { ...WAIT, timeout: 30_000 },
    );
    expect(new Set(stored.map((row) => row.event_id))).toEqual(new Set(acknowledged.keys()));
    expect(new Set(stored.map((row) => row.applied_seq)).size).toBe(stored.length);

    // Every payment event reached the live subscriber, once, whatever the store went through.
    const paymentSequences = stored.filter((row) => row.type.startsWith('payment.')).map((row) => row.applied_seq!);
    const heard = await receiveAll(live, paymentSequences.length).catch((error: Error) => {
      throw new Error(`${error.message}; the gateway logged:\n${output.slice(-4000)}`, { cause: error });
    });
    expect(heard.sort()).toEqual(paymentSequences.sort());
    expect(await live.drain(300)).toEqual([]);
    live.close();

    // A merge recorded under fire is whole.
    const { rows: merges } = await admin.query<{ from_customer_id: string; to_customer_id: string }>(
      `SELECT from_customer_id, to_customer_id FROM ${location.schema}.customer_merges WHERE merchant_id = $1`,
      [merchantId],
    );
    for (const survivor of survivors) {
      expect(merges.filter((m) => m.to_customer_id === survivor.id).map((m) => m.from_customer_id).sort()).toEqual([...survivor.from].sort());
    }
    console.info(
      `${ROUNDS} rounds, ${killed} connections terminated; ${acknowledged.size} events acknowledged ` +
        `(${refused.length} deliveries refused first: ${[...new Set(refused)].join(', ') || 'none'}); GraphQL: ${answers.data} answered with data, ` +
        `errors ${JSON.stringify(Object.fromEntries(answers.errors))}`,
    );
  }, 180_000);
});

/** The SSE ids of `count` messages, each as it came. */
async function receiveAll(subscription: SseSubscription, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const message = await subscription.next();
    expect(message.errors).toBeUndefined();
    ids.push(subscription.lastEventId!);
  }
  return ids;
}

/** A relay to PostgreSQL that, once armed, passes the next COMMIT on and cuts the connection when its answer comes back. */
async function commitCutter(target: URL) {
  let armed = false;
  let cuts = 0;
  const server = createTcpServer((downstream) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    let cutting = false;
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('data', (chunk: Buffer) => {
      // A simple-protocol query message carries its text NUL-terminated.
      if (armed && chunk.includes('COMMIT\0')) [armed, cutting] = [false, true];
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cutting) return void downstream.write(chunk);
      cuts++;
      end();
    });
    downstream.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: url.href,
    arm: () => void (armed = true),
    get cuts() {
      return cuts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!DATABASE_URL)('marking events applied when the answer to COMMIT is lost', () => {
  it('asks the server what became of the transaction, and reports the events it marked, once', async () => {
    const location = postgresLocation();
    const relay = await commitCutter(new URL(DATABASE_URL!));
    const store = await PostgresEventStore.open({ connectionString: relay.url, schema: location.schema, poolSize: 2 });
    try {
      const ids = [randomUUID(), randomUUID()];
      for (const id of ids) await store.recordEvent({ event_id: id, merchant_id: 'M1', type: 'payment.updated' }, '{}');
      relay.arm();
      const marked = await store.markApplied(ids);
      expect(relay.cuts).toBe(1);
      // Committed, so its listeners must hear of both: a second try would find them applied and mark nothing.
      expect([...marked.keys()]).toEqual(ids);
      const applied = await store.appliedAfter('M1', 0, 10);
      expect(applied.map((event) => [event.eventId, event.sequence])).toEqual([...marked]);
      expect(await store.markApplied(ids)).toEqual(new Map());
    } finally {
      await store.close();
      await relay.close();
      await location.drop();
    }
  });
});
