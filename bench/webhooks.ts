import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { load, percentile, roundTo, startProcess } from './lib.js';

const KEY = 'bench-signature-key';
/** What the signature covers; the bench posts to the gateway's real address, as a proxy in front of it would. */
const NOTIFICATION_URL = 'https://gateway.example.com/webhooks/square';
const CONNECTIONS = 16;
/** Merges into customer ids with this prefix fail to apply (bench/poison-gateway.ts). */
const POISON_PREFIX = 'POISON-';
/** One event in this many fails to apply. */
const POISON_EVERY = 100;
/** Longest wait, after the load, for every event to have been applied or tried. */
const SETTLE_MS = 60_000;

/** A payment.updated notification of Square's size (~1.5 KB), new event id each time. */
function paymentEvent(): string {
  const id = randomUUID();
  return JSON.stringify({
    merchant_id: 'BENCH-MERCHANT',
    location_id: 'BENCH-LOCATION',
    type: 'payment.updated',
    event_id: randomUUID(),
    created_at: new Date().toISOString(),
    data: {
      type: 'payment',
      id,
      object: {
        payment: {
          id,
          status: 'COMPLETED',
          amount_money: { amount: 1234, currency: 'USD' },
          total_money: { amount: 1234, currency: 'USD' },
          approved_money: { amount: 1234, currency: 'USD' },
          source_type: 'CARD',
          card_details: {
            status: 'CAPTURED',
            card: { card_brand: 'VISA', last_4: '1111', exp_month: 12, exp_year: 2030, fingerprint: 'sq-1-' + 'x'.repeat(80) },
            entry_method: 'KEYED',
            cvv_status: 'CVV_ACCEPTED',
            avs_status: 'AVS_ACCEPTED',
          },
          location_id: 'BENCH-LOCATION',
          order_id: randomUUID(),
          customer_id: 'BENCH-CUSTOMER',
          receipt_number: id.slice(0, 4),
          receipt_url: `https://squareup.example/receipt/preview/${id}`,
          note: 'n'.repeat(200),
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
          version: 3,
        },
      },
    },
  });
}

/** A merge that the bench gateway's store refuses (see poison-gateway.ts). */
function poisonEvent(): string {
  const to = `${POISON_PREFIX}${randomUUID()}`;
  return JSON.stringify({
    merchant_id: 'BENCH-MERCHANT',
    type: 'customer.created',
    event_id: randomUUID(),
    created_at: new Date().toISOString(),
    data: { type: 'customer', id: to, object: { customer: { id: to }, event_context: { merge: { from_customer_ids: ['A', 'B'], to_customer_id: to } } } },
  });
}

/** One stored event's fate; times in ms since the epoch. */
interface EventTimes {
  poison: boolean;
  receivedAt: number;
  appliedAt: number | null;
  attempts: number;
  parked: boolean;
}

interface Target {
  name: 'sqlite' | 'postgres';
  env: Record<string, string>;
  events(): Promise<EventTimes[]>;
  cleanup(): Promise<void>;
}

/** Each stored event's fate, with the database's times as ms since the epoch (`epochMs` of a column). */
const eventTimesSql = (table: string, epochMs: (column: string) => string) =>
  `SELECT type = 'customer.created' AS poison, ${epochMs('received_at')} AS "receivedAt", ${epochMs('applied_at')} AS "appliedAt",
          attempts, parked_at IS NOT NULL AS parked
   FROM ${table}`;

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'bench-webhooks-'));
  const path = join(dir, 'gateway.db');
  return {
    name: 'sqlite',
    // Empty wins over a DATABASE_URL in the bench's own environment.
    env: { GATEWAY_DB: path, DATABASE_URL: '' },
    events: async () => {
      const db = new Database(path, { readonly: true });
      try {
        const sql = eventTimesSql('webhook_events', (column) => `(julianday(${column}) - 2440587.5) * 86400000`);
        const rows = db.prepare(sql).all() as Array<Omit<EventTimes, 'poison' | 'parked'> & { poison: 0 | 1; parked: 0 | 1 }>;
        return rows.map((row) => ({ ...row, poison: row.poison === 1, parked: row.parked === 1 }));
      } finally {
        db.close();
      }
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresTarget(databaseUrl: string): Promise<Target> {
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    name: 'postgres',
    env: { DATABASE_URL: url.toString() },
    events: async () => {
      const { rows } = await admin.query(eventTimesSql(`${schema}.webhook_events`, (column) => `extract(epoch FROM ${column}) * 1000`));
      return rows.map((row) => ({ ...row, receivedAt: Number(row.receivedAt), appliedAt: row.appliedAt === null ? null : Number(row.appliedAt) }));
    },
    cleanup: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** Waits until every stored event has been applied or tried (the poison ones wait out their backoff). */
async function settled(target: Target): Promise<EventTimes[]> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const events = await target.events();
    if (events.every((event) => event.appliedAt !== null || event.attempts > 0)) return events;
    if (Date.now() > deadline) throw new Error(`${target.name}: events still unapplied ${SETTLE_MS} ms after the load`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Apply figures from the store's own times: from the first event received to the last applied. */
function applyFigures(target: Target, events: EventTimes[]) {
  const good = events.filter((event) => !event.poison);
  const poison = events.filter((event) => event.poison);
  if (poison.some((event) => event.appliedAt !== null)) throw new Error(`${target.name}: a poison event was applied`);
  const applied = good.map((event) => event.appliedAt!);
  const firstReceived = Math.min(...events.map((event) => event.receivedAt));
  const lags = good.map((event) => event.appliedAt! - event.receivedAt).sort((a, b) => a - b);
  return {
    applied: good.length,
    appliedPerSecond: Math.round(good.length / ((Math.max(...applied) - firstReceived) / 1000)),
    lagAfterAckMs: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: roundTo(lags.at(-1)!) },
    poison: { events: poison.length, triedAtLeastOnce: poison.filter((event) => event.attempts > 0).length, parked: poison.filter((event) => event.parked).length },
  };
}

async function run(target: Target, seconds: number) {
  const gateway = await startProcess(
    'bench/poison-gateway.ts',
    {
      PORT: '0',
      GATEWAY_AUTH: 'passthrough',
      SQUARE_WEBHOOK_SIGNATURE_KEY: KEY,
      SQUARE_WEBHOOK_URL: NOTIFICATION_URL,
      BENCH_POISON_PREFIX: POISON_PREFIX,
      ...target.env,
    },
    /GraphQL gateway:\s+(http:\/\/\S+)/,
  );
  try {
    const origin = new URL(gateway.url).origin;
    let sent = 0;
    const result = await load({
      url: origin,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/webhooks/square',
          setupRequest: (request) => {
            const body = ++sent % POISON_EVERY === 0 ? poisonEvent() : paymentEvent();
            const signature = createHmac('sha256', KEY).update(NOTIFICATION_URL + body).digest('base64');
            return {
              ...request,
              body,
              headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature },
            };
          },
        },
      ],
    });
    const acknowledged = result.requests - result.non2xx - result.errors;
    const loadEnded = Date.now();
    const events = await settled(target);
    return {
      ingest: { ...result, acknowledged, stored: events.length },
      apply: { ...applyFigures(target, events), settledAfterLoadMs: Date.now() - loadEnded },
    };
  } finally {
    await gateway.stop();
  }
}

/**
 * Webhooks, ingest and apply: signed, distinct events posted by 16 connections for `seconds`,
 * one in 100 a poison event that fails to apply; each 200 means the event was committed
 * (fsynced) to the store before the answer. Then, from the store's own times: how fast the
 * others were applied after their acknowledgement, with the poison ones failing and retried
 * beside them. Embedded SQLite, then PostgreSQL when DATABASE_URL is set.
 */
export async function benchWebhooks(seconds: number) {
  const results: Record<string, unknown> = {
    connections: CONNECTIONS,
    seconds,
    bodyBytes: Buffer.byteLength(paymentEvent()),
    poisonShare: 1 / POISON_EVERY,
  };
  const targets: Array<() => Promise<Target>> = [async () => sqliteTarget()];
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) targets.push(() => postgresTarget(databaseUrl));
  else {
    console.log('PostgreSQL skipped: DATABASE_URL is not set.');
    results.postgres = 'skipped: DATABASE_URL not set';
  }
  for (const make of targets) {
    const target = await make();
    try {
      const { ingest, apply } = await run(target, seconds);
      // An event answered 200 must be in the store; more stored than answered is fine (answers cut off at the end).
      if (ingest.stored < ingest.acknowledged) throw new Error(`${target.name}: ${ingest.acknowledged} acknowledged, ${ingest.stored} stored`);
      results[target.name] = { ingest: { eventsPerSecond: ingest.requestsPerSecond, ...ingest }, apply };
    } finally {
      await target.cleanup();
    }
  }
  return results;
}
