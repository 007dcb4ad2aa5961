/**
 * One gateway instance running bulk operations, as its own process, for the tests that kill it
 * (test/bulk/bulk-resume.test.ts): passthrough mode in front of SQUARE_BASE_URL, its bulk
 * operations in BULK_SQLITE (a file) or in PostgreSQL (DATABASE_URL, schema BULK_PG_SCHEMA),
 * with a short lease, so that the next instance takes over an operation within moments of a
 * crash, and a budget of BUDGET_RATE calls a second. Prints its URL once it listens.
 */
import { createGateway } from '../../src/gateway/server.js';
import { PostgresBulkStore, SqliteBulkStore } from '../../src/store/index.js';

const env = process.env;
const store = env.BULK_SQLITE
  ? new SqliteBulkStore(env.BULK_SQLITE)
  : await PostgresBulkStore.open({ connectionString: env.DATABASE_URL!, schema: env.BULK_PG_SCHEMA, poolSize: 4 });
const rate = Number(env.BUDGET_RATE ?? 100);
const gateway = createGateway({
  authMode: 'passthrough',
  squareToken: undefined,
  squareBaseUrl: env.SQUARE_BASE_URL!,
  squareTimeoutSeconds: 10,
  squareMaxRetries: 0,
  squareRatePerSecond: rate,
  squareBurst: rate,
  requestDeadlineMs: 15_000,
  locationsTtlMs: 60_000,
  logging: false,
  bulk: { store, bulkSecret: env.BULK_SECRET, leaseMs: Number(env.BULK_LEASE_MS ?? 1_500), pollMs: 200 },
});
console.log(`listening on ${await gateway.listen()}`);
