import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { isConnectionLost, MIGRATION_LOCK, onClient, openMigratedPool, type PoolOptions } from './postgres-connection.js';
import { fromStorable, toStorable } from './text.js';
import {
  lineagesOf,
  MAX_MERGE_DEPTH,
  toAppliedRecord,
  toStoredEvent,
  type AppliedEventRecord,
  type AppliedRow,
  type EventEnvelope,
  type EventRow,
  type EventStore,
  type ReplayRow,
  type StoredEvent,
} from './types.js';

/** Schema versions in order, each applied once in its own transaction and recorded in `schema_migrations`. */
const VERSIONS: Array<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `CREATE TABLE webhook_events (
            seq BIGSERIAL PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            merchant_id TEXT NOT NULL,
            type TEXT NOT NULL,
            received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            raw_body TEXT NOT NULL,
            applied_at TIMESTAMPTZ
          );
          CREATE INDEX webhook_events_pending ON webhook_events (seq) WHERE applied_at IS NULL;
          CREATE TABLE customer_merges (
            seq BIGSERIAL PRIMARY KEY,
            merchant_id TEXT NOT NULL,
            from_customer_id TEXT NOT NULL,
            to_customer_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            UNIQUE (merchant_id, from_customer_id)
          );
          CREATE INDEX customer_merges_to ON customer_merges (merchant_id, to_customer_id);`,
  },
  {
    // Failed attempts, and parking; ids from here on are kept escaped (text.ts), so a backslash already stored gets its escape.
    version: 2,
    sql: `ALTER TABLE webhook_events
            ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0,
            ADD COLUMN last_error TEXT,
            ADD COLUMN next_attempt_at TIMESTAMPTZ,
            ADD COLUMN parked_at TIMESTAMPTZ;
          DROP INDEX webhook_events_pending;
          CREATE INDEX webhook_events_pending ON webhook_events (seq) WHERE applied_at IS NULL AND parked_at IS NULL;
          CREATE INDEX webhook_events_parked ON webhook_events (seq) WHERE parked_at IS NOT NULL;
          UPDATE webhook_events
          SET event_id = replace(event_id, chr(92), repeat(chr(92), 2)), merchant_id = replace(merchant_id, chr(92), repeat(chr(92), 2)),
              type = replace(type, chr(92), repeat(chr(92), 2))
          WHERE strpos(event_id || merchant_id || type, chr(92)) > 0;
          UPDATE customer_merges
          SET merchant_id = replace(merchant_id, chr(92), repeat(chr(92), 2)),
              from_customer_id = replace(from_customer_id, chr(92), repeat(chr(92), 2)),
              to_customer_id = replace(to_customer_id, chr(92), repeat(chr(92), 2)), event_id = replace(event_id, chr(92), repeat(chr(92), 2))
          WHERE strpos(merchant_id || from_customer_id || to_customer_id || event_id, chr(92)) > 0;`,
  },
  {
    // The order events were applied in, which live update subscribers resume from; events applied before stay unnumbered.
    version: 3,
    sql: `ALTER TABLE webhook_events ADD COLUMN applied_seq BIGINT;
          CREATE UNIQUE INDEX webhook_events_applied ON webhook_events (applied_seq) WHERE applied_seq IS NOT NULL;
          CREATE INDEX webhook_events_replay ON webhook_events (merchant_id, applied_seq) WHERE applied_seq IS NOT NULL;`,
  },
];

/**
 * Held while a batch is marked applied and numbered, until its commit: batches are numbered in
 * the order they commit, so no reader ever sees sequence n+1 before n becomes visible.
 */
const APPLY_LOCK = MIGRATION_LOCK + 1;
/** Tries at marking a batch applied whose commit was lost with its connection and turned out rolled back. */
const COMMIT_ATTEMPTS = 3;
/** A terminated backend finishes its transaction within moments; its status is asked this often, this far apart. */
const SETTLE_POLLS = 20;
const SETTLE_POLL_MS = 50;

type Row = EventRow<Date>;
const toEvent = (row: Row) => toStoredEvent(row, (t) => t.toISOString());

export type PostgresStoreOptions = PoolOptions;

/**
 * Work done in the transaction that marks events applied, before its commit: it happens exactly
 * once per event across a fleet, and is rolled back with the marks should the commit fail.
 */
export type PostgresApplyHook = (client: pg.PoolClient, applied: readonly AppliedRow[]) => Promise<void>;

const MIGRATIONS = { table: 'schema_migrations', versions: VERSIONS };

/** The store in PostgreSQL, for gateways that run as several instances or keep state off the host. */
export class PostgresEventStore implements EventStore {
  private readonly applyHooks: PostgresApplyHook[] = [];

  private constructor(private readonly pool: pg.Pool) {}

  /** Adds work to every commit that marks events applied (see PostgresApplyHook). */
  onApply(hook: PostgresApplyHook): void {
    this.applyHooks.push(hook);
  }

  /** Connects and brings the schema up to date. */
  static async open(options: PostgresStoreOptions): Promise<PostgresEventStore> {
    const pool = await openMigratedPool(options, MIGRATIONS);
    return new PostgresEventStore(pool);
  }

  async recordEvent(event: EventEnvelope, rawBody: string): Promise<'new' | 'duplicate'> {
    // Safe to run again: an insert that committed before its answer was lost makes the second a duplicate.
    const { rowCount } = await this.query(
      `INSERT INTO webhook_events (event_id, merchant_id, type, raw_body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id) DO NOTHING`,
      [toStorable(event.event_id), toStorable(event.merchant_id), toStorable(event.type), rawBody],
      { rerun: true },
    );
    return rowCount === 1 ? 'new' : 'duplicate';
  }

  async pendingEvents(limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.query<Row>(
      `SELECT * FROM webhook_events
       WHERE applied_at IS NULL AND parked_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())
       ORDER BY seq LIMIT $1`,
      [limit],
      { rerun: true },
    );
    return rows.map(toEvent);
  }

  async markApplied(eventIds: readonly string[]): Promise<Map<string, number>> {
    if (eventIds.length === 0) return new Map();
    for (let attempt = 1; ; attempt++) {
      const outcome = await onClient(this.pool, (client) => markAppliedOnce(client, eventIds, this.applyHooks), { rerun: true });
      if (!('lostCommit' in outcome)) return outcome.marked;
      // Whether a commit whose answer was lost took effect, the server tells by the transaction's id.
      const status = await this.settledStatus(outcome.lostCommit.xid);
      if (status === 'committed') return outcome.marked;
      if (status !== 'aborted' || attempt >= COMMIT_ATTEMPTS) throw outcome.lostCommit.error;
    }
  }

  /** What became of a transaction, once its backend (its connection lost) has finished with it. */
  private async settledStatus(xid: string): Promise<string | null> {
    for (let poll = 1; ; poll++) {
      const { rows } = await this.query<{ status: string | null }>('SELECT txid_status($1) AS status', [xid], { rerun: true });
      const status = rows[0]?.status ?? null;
      if (status !== 'in progress' || poll >= SETTLE_POLLS) return status;
      await sleep(SETTLE_POLL_MS);
    }
  }

  async appliedAfter(merchantId: string, sequence: number, limit: number, types?: readonly string[]): Promise<AppliedEventRecord[]> {
    const { rows } = await this.query<ReplayRow<Date>>(
      `SELECT applied_seq, event_id, type, raw_body, applied_at FROM webhook_events
       WHERE merchant_id = $1 AND applied_seq > $2 AND ($4::text[] IS NULL OR type = ANY($4::text[])) ORDER BY applied_seq LIMIT $3`,
      [toStorable(merchantId), sequence, limit, types ? types.map(toStorable) : null],
      { rerun: true },
    );
    return rows.map((row) => toAppliedRecord(row, (t) => t.toISOString()));
  }

  async lastAppliedSequence(): Promise<number> {
    const { rows } = await this.query<{ seq: string | null }>('SELECT max(applied_seq) AS seq FROM webhook_events', [], { rerun: true });
    return Number(rows[0]?.seq ?? 0);
  }

  async oldestAppliedSequence(): Promise<number | undefined> {
    const { rows } = await this.query<{ seq: string | null }>('SELECT min(applied_seq) AS seq FROM webhook_events', [], { rerun: true });
    const seq = rows[0]?.seq;
    return seq === null || seq === undefined ? undefined : Number(seq);
  }

  async pruneApplied(before: Date): Promise<number> {
    // Under the apply lock, so that the last event applied (whose sequence the next batch follows) is the one kept.
    return onClient(
      this.pool,
      async (client) => {
        await client.query('BEGIN');
        try {
          await client.query('SELECT pg_advisory_xact_lock($1)', [APPLY_LOCK]);
          const { rowCount } = await client.query(
            `DELETE FROM webhook_events WHERE applied_at < $1 AND applied_seq < (SELECT max(applied_seq) FROM webhook_events)`,
            [before],
          );
          await client.query('COMMIT');
          return rowCount ?? 0;
        } catch (error) {
          if (!isConnectionLost(error)) await client.query('ROLLBACK');
          throw error;
        }
      },
      { rerun: true },
    );
  }

  async recordFailure(eventId: string, error: string, retryInMs: number | undefined): Promise<void> {
    // Run once: run twice, it would count one attempt twice.
    await this.query(
      `UPDATE webhook_events SET attempts = attempts + 1, last_error = $2,
         next_attempt_at = now() + $3::float8 * interval '1 millisecond', parked_at = CASE WHEN $3::float8 IS NULL THEN now() END
       WHERE event_id = $1 AND applied_at IS NULL`,
      [toStorable(eventId), toStorable(error), retryInMs ?? null],
      { rerun: false },
    );
  }

  async nextRetryInMs(): Promise<number | undefined> {
    // Measured against the database's clock, which also decides when an event is due.
    const { rows } = await this.query<{ ms: string | null }>(
      `SELECT extract(epoch FROM min(next_attempt_at) - now()) * 1000 AS ms FROM webhook_events
       WHERE applied_at IS NULL AND parked_at IS NULL`,
      [],
      { rerun: true },
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? undefined : Math.max(0, Number(ms));
  }

  async parkedEvents(limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.query<Row>('SELECT * FROM webhook_events WHERE parked_at IS NOT NULL ORDER BY seq LIMIT $1', [limit], { rerun: true });
    return rows.map(toEvent);
  }

  async event(eventId: string): Promise<StoredEvent | undefined> {
    const { rows } = await this.query<Row>('SELECT * FROM webhook_events WHERE event_id = $1', [toStorable(eventId)], { rerun: true });
    return rows[0] && toEvent(rows[0]);
  }

  async recordMerge(merchantId: string, fromIds: readonly string[], toId: string, eventId: string): Promise<void> {
    // One statement, so the merge is recorded whole or not at all (and a second run changes nothing); WITH ORDINALITY keeps the given order in seq.
    await this.query(
      `INSERT INTO customer_merges (merchant_id, from_customer_id, to_customer_id, event_id)
       SELECT $1, f.id, $3, $4 FROM unnest($2::text[]) WITH ORDINALITY AS f(id, n) WHERE f.id <> $3 ORDER BY f.n
       ON CONFLICT (merchant_id, from_customer_id) DO NOTHING`,
      [toStorable(merchantId), fromIds.map(toStorable), toStorable(toId), toStorable(eventId)],
      { rerun: true },
    );
  }

  async mergedFrom(merchantId: string, customerIds: readonly string[]): Promise<Map<string, string[]>> {
    // UNION (not UNION ALL) visits each (customer, ancestor) once, so even a cyclic record cannot loop.
    const { rows } = await this.query<{ root: string; id: string }>(
      `WITH RECURSIVE ancestors(root, id) AS (
         SELECT to_customer_id, from_customer_id FROM customer_merges WHERE merchant_id = $1 AND to_customer_id = ANY($2::text[])
         UNION
         SELECT a.root, m.from_customer_id FROM customer_merges m JOIN ancestors a ON m.to_customer_id = a.id
         WHERE m.merchant_id = $1
       )
       SELECT a.root, m.from_customer_id AS id FROM customer_merges m JOIN ancestors a ON a.id = m.from_customer_id
       WHERE m.merchant_id = $1 AND m.from_customer_id <> a.root ORDER BY m.seq`,
      [toStorable(merchantId), customerIds.map(toStorable)],
      { rerun: true },
    );
    return lineagesOf(customerIds, rows);
  }

  async mergedInto(merchantId: string, customerId: string): Promise<string | undefined> {
    const { rows } = await this.query<{ id: string }>(
      `WITH RECURSIVE forward(id, depth) AS (
         SELECT to_customer_id, 1 FROM customer_merges WHERE merchant_id = $1 AND from_customer_id = $2
         UNION ALL
         SELECT m.to_customer_id, f.depth + 1 FROM customer_merges m JOIN forward f ON m.from_customer_id = f.id
         WHERE m.merchant_id = $1 AND f.depth < $3
       )
       SELECT id FROM forward ORDER BY depth DESC LIMIT 1`,
      [toStorable(merchantId), toStorable(customerId), MAX_MERGE_DEPTH],
      { rerun: true },
    );
    return rows[0] && fromStorable(rows[0].id);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private query<R extends pg.QueryResultRow>(text: string, values: unknown[], options: { rerun: boolean }): Promise<pg.QueryResult<R>> {
    return onClient(this.pool, (client) => client.query<R>(text, values), options);
  }
}

/**
 * One try at marking events applied, in one transaction. A connection lost before COMMIT
 * rolled it back (the caller may simply run it again); lost during COMMIT, it may or may
 * not have committed, and the marks it would have made come back with its transaction id.
 */
async function markAppliedOnce(
  client: pg.PoolClient,
  eventIds: readonly string[],
  hooks: readonly PostgresApplyHook[],
): Promise<{ marked: Map<string, number> } | { marked: Map<string, number>; lostCommit: { xid: string; error: unknown } }> {
  await client.query('BEGIN');
  let xid: string;
  let marked: Map<string, number>;
  try {
    xid = (await client.query<{ xid: string }>('SELECT txid_current()::text AS xid')).rows[0]!.xid;
    await client.query('SELECT pg_advisory_xact_lock($1)', [APPLY_LOCK]);
    const { rows } = await client.query<{ event_id: string; applied_seq: string; merchant_id: string; type: string; raw_body: string; received_at: Date }>(
      `WITH last AS (SELECT coalesce(max(applied_seq), 0) AS seq FROM webhook_events),
       todo AS (
         SELECT w.seq, row_number() OVER (ORDER BY u.n) AS k
         FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n) JOIN webhook_events w ON w.event_id = u.id
         WHERE w.applied_at IS NULL
       )
       UPDATE webhook_events w SET applied_at = now(), applied_seq = last.seq + todo.k FROM todo, last
       WHERE w.seq = todo.seq RETURNING w.event_id, w.applied_seq, w.merchant_id, w.type, w.raw_body, w.received_at`,
      [eventIds.map(toStorable)],
    );
    const applied = rows
      .map((row) => ({
        eventId: fromStorable(row.event_id),
        merchantId: fromStorable(row.merchant_id),
        type: fromStorable(row.type),
        rawBody: row.raw_body,
        receivedAt: row.received_at.toISOString(),
        sequence: Number(row.applied_seq),
      }))
      .sort((a, b) => a.sequence - b.sequence);
    for (const hook of hooks) await hook(client, applied);
    marked = new Map(applied.map((event) => [event.eventId, event.sequence]));
  } catch (error) {
    // A lost connection took the transaction with it.
    if (!isConnectionLost(error)) await client.query('ROLLBACK');
    throw error;
  }
  try {
    await client.query('COMMIT');
  } catch (error) {
    if (isConnectionLost(error)) return { marked, lostCommit: { xid, error } };
    throw error;
  }
  return { marked };
}
