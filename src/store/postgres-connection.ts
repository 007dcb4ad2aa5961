import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** Attempts at an operation whose connection was lost (a failover, a terminated backend), when trying again is safe. */
const ATTEMPTS = 3;
/** Wait before the second attempt; four times as long before each further one. */
const FIRST_RETRY_MS = 50;

/** SQLSTATEs of a connection lost or refused: class 08, and admin_shutdown, crash_shutdown, cannot_connect_now. */
const LOST_SQLSTATE = /^(08...|57P0[123])$/;
const LOST_SOCKET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** pg's own words for a connection that ended under it, or for a client it no longer uses after that. */
const LOST_MESSAGE = /^Connection terminated|not queryable/;

/** Whether `error` says the connection went away, rather than that the statement itself failed. */
export function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (LOST_SQLSTATE.test(code) || LOST_SOCKET.has(code))) return true;
  return LOST_MESSAGE.test(error.message);
}

/**
 * A pool whose lost connections fail operations, never the process. pg emits 'error' on a
 * client whose connection dies, and an 'error' without a listener kills the process; pg-pool
 * listens only while a client is idle, and lends a new client within the very read that
 * completed its connection, so a termination in that read comes before its borrower could
 * listen. Every client therefore listens for its whole life: a lost connection fails the query
 * in flight, or the next one ("not queryable"), and the pool drops the client when it returns.
 */
export function createPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle client's lost connection: the pool has dropped it already.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/**
 * Runs `work` on a client checked out of `pool`. A lost connection is tried again on a new
 * one, a few times, when `rerun` says the work is safe to run twice (a read; a write whose
 * second run changes nothing; a transaction, which the lost connection rolled back unless it
 * was committing). Failing to connect is always tried again: nothing ran.
 */
export async function onClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, { rerun }: { rerun: boolean }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isConnectionLost(error)) throw error;
      await sleep(FIRST_RETRY_MS * 4 ** (attempt - 1));
      continue;
    }
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      const lost = isConnectionLost(error);
      // Given back broken, the client is closed rather than lent again.
      client.release(lost ? (error as Error) : undefined);
      if (!lost || !rerun || attempt >= ATTEMPTS) throw error;
    }
    await sleep(FIRST_RETRY_MS * 4 ** (attempt - 1));
  }
}

export interface PoolOptions {
  connectionString: string;
  /** A schema of its own (created if absent by `migrate`), e.g. for a test run; the connection's search_path otherwise. */
  schema?: string | undefined;
  poolSize?: number | undefined;
}

/** A pool (as `createPool`) whose connections work in `options.schema`, checked to be a plain identifier. */
export function openPool(options: PoolOptions): pg.Pool {
  const { schema } = options;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`PostgreSQL schema name must be a lower-case identifier, got "${schema}"`);
  }
  return createPool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
}

/**
 * Held while migrating, by every store: gateway instances starting together, and stores sharing
 * a schema (creating it, or their tables), migrate one after the other.
 */
export const MIGRATION_LOCK = 0x5371_7761_7265; // "Square" in ASCII, an arbitrary database-wide key

export interface Migrations {
  /** The table that records the versions applied (one per set of migrations, so that stores sharing a schema keep apart). */
  table: string;
  /** Schema versions in order, each applied once in its own transaction. */
  versions: ReadonlyArray<{ version: number; sql: string }>;
}

/** A pool as `openPool` makes it, with the migrations applied; nothing left open when they fail. */
export async function openMigratedPool(options: PoolOptions, migrations: Migrations): Promise<pg.Pool> {
  const pool = openPool(options);
  try {
    await migrate(pool, options.schema, migrations);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}

/**
 * Applies the migrations not yet recorded, under the migration lock; safe to run again after a
 * lost connection, which released the lock and rolled back the migration underway.
 */
export function migrate(pool: pg.Pool, schema: string | undefined, migrations: Migrations): Promise<void> {
  return onClient(pool, (client) => migrateOn(client, schema, migrations), { rerun: true });
}

async function migrateOn(client: pg.PoolClient, schema: string | undefined, { table, versions }: Migrations): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${table}`);
    const applied = new Set(rows.map((row) => row.version));
    for (const migration of versions) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${table} (version) VALUES ($1)`, [migration.version]);
        await client.query('COMMIT');
      } catch (error) {
        if (!isConnectionLost(error)) await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
