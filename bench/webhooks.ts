import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { load, startProcess, type LoadResult } from './lib.js';

const KEY = 'bench-signature-key';
/** What the signature covers; the bench posts to the gateway's real address, as a proxy in front of it would. */
const NOTIFICATION_URL = 'https://gateway.example.com/webhooks/square';
const CONNECTIONS = 16;

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

interface Target {
  name: 'sqlite' | 'postgres';
  env: Record<string, string>;
  count(): Promise<number>;
  cleanup(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'bench-webhooks-'));
  const path = join(dir, 'gateway.db');
  return {
    name: 'sqlite',
    // Empty wins over a DATABASE_URL in the bench's own environment.
    env: { GATEWAY_DB: path, DATABASE_URL: '' },
    count: async () => {
      const db = new Database(path, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM webhook_events').get() as { n: number }).n;
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
    count: async () => Number((await admin.query(`SELECT count(*) AS n FROM ${schema}.webhook_events`)).rows[0].n),
    cleanup: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

async function run(target: Target, seconds: number): Promise<LoadResult & { stored: number; acknowledged: number }> {
  const gateway = await startProcess(
    'src/main.ts',
    {
      PORT: '0',
      SQUARE_BASE_URL: 'http://127.0.0.1:9',
      GATEWAY_AUTH: 'passthrough',
      SQUARE_WEBHOOK_SIGNATURE_KEY: KEY,
      SQUARE_WEBHOOK_URL: NOTIFICATION_URL,
      ...target.env,
    },
    /GraphQL gateway:\s+(http:\/\/\S+)/,
  );
  try {
    const origin = new URL(gateway.url).origin;
    const result = await load({
      url: origin,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/webhooks/square',
          setupRequest: (request) => {
            const body = paymentEvent();
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
    return { ...result, acknowledged, stored: await target.count() };
  } finally {
    await gateway.stop();
  }
}

/**
 * Webhook ingest: signed, distinct events posted by 16 connections for `seconds`;
 * each 200 means the event was committed (fsynced) to the store before the answer.
 * Embedded SQLite, then PostgreSQL when DATABASE_URL is set.
 */
export async function benchWebhooks(seconds: number) {
  const results: Record<string, unknown> = { connections: CONNECTIONS, seconds, bodyBytes: Buffer.byteLength(paymentEvent()) };
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
      const outcome = await run(target, seconds);
      // An event answered 200 must be in the store; more stored than answered is fine (answers cut off at the end).
      if (outcome.stored < outcome.acknowledged) throw new Error(`${target.name}: ${outcome.acknowledged} acknowledged, ${outcome.stored} stored`);
      results[target.name] = { eventsPerSecond: outcome.requestsPerSecond, ...outcome };
    } finally {
      await target.cleanup();
    }
  }
  return results;
}
