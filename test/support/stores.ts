import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresBulkStore, PostgresEventStore, SqliteBulkStore, SqliteEventStore, type BulkStore, type EventStore } from '../../src/store/index.js';

export const DATABASE_URL = process.env.DATABASE_URL || undefined;
if (!DATABASE_URL) {
  console.warn(
    'PostgreSQL store tests are SKIPPED: DATABASE_URL is not set (CI sets it; locally e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test).',
  );
}

/** One customer's lineage, as the store answers it for a page of customers. */
export async function lineageOf(store: EventStore, merchantId: string, customerId: string): Promise<string[]> {
  return (await store.mergedFrom(merchantId, [customerId])).get(customerId)!;
}

/** One empty database: `open()` connects to it (again, as after a restart), `drop()` removes it. */
export interface StoreLocation {
  open(): Promise<EventStore>;
  /** The bulk operations' store in the same database. */
  openBulk(): Promise<BulkStore>;
  drop(): Promise<void>;
}

export interface StoreBackend {
  name: 'SQLite' | 'PostgreSQL';
  /** Skips the backend's tests when it cannot run here. */
  skip: boolean;
  fresh(): StoreLocation;
}

/** A new SQLite file in a temporary directory. */
export function sqliteLocation(): StoreLocation & { path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-store-'));
  const path = join(dir, 'nested', 'gateway.db');
  return {
    path,
    open: async () => new SqliteEventStore(path),
    openBulk: async () => new SqliteBulkStore(path),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A new schema of its own, so that test runs (and tests) never see each other's rows. */
export function postgresLocation(): StoreLocation & { schema: string } {
  const schema = `test_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  return {
    schema,
    open: () => PostgresEventStore.open({ connectionString: DATABASE_URL!, schema, poolSize: 4 }),
    openBulk: () => PostgresBulkStore.open({ connectionString: DATABASE_URL!, schema, poolSize: 4 }),
    drop: async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export const STORE_BACKENDS: StoreBackend[] = [
  { name: 'SQLite', skip: false, fresh: sqliteLocation },
  { name: 'PostgreSQL', skip: !DATABASE_URL, fresh: postgresLocation },
];
