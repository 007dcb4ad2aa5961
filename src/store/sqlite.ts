import type Database from 'better-sqlite3';
import { openSqliteFile } from './sqlite-file.js';
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

/** Schema versions in order; `PRAGMA user_version` records how many have been applied. */
const MIGRATIONS = [
  `CREATE TABLE webhook_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id TEXT NOT NULL UNIQUE,
     merchant_id TEXT NOT NULL,
     type TEXT NOT NULL,
     received_at TEXT NOT NULL,
     raw_body TEXT NOT NULL,
     applied_at TEXT
   );
   CREATE INDEX webhook_events_pending ON webhook_events (seq) WHERE applied_at IS NULL;
   CREATE TABLE customer_merges (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     merchant_id TEXT NOT NULL,
     from_customer_id TEXT NOT NULL,
     to_customer_id TEXT NOT NULL,
     event_id TEXT NOT NULL,
     UNIQUE (merchant_id, from_customer_id)
   );
   CREATE INDEX customer_merges_to ON customer_merges (merchant_id, to_customer_id);`,
  // Failed attempts, and parking; ids from here on are kept escaped (text.ts), so a backslash already stored gets its escape.
  `ALTER TABLE webhook_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE webhook_events ADD COLUMN last_error TEXT;
   ALTER TABLE webhook_events ADD COLUMN next_attempt_at TEXT;
   ALTER TABLE webhook_events ADD COLUMN parked_at TEXT;
   DROP INDEX webhook_events_pending;
   CREATE INDEX webhook_events_pending ON webhook_events (seq) WHERE applied_at IS NULL AND parked_at IS NULL;
   CREATE INDEX webhook_events_parked ON webhook_events (seq) WHERE parked_at IS NOT NULL;
   UPDATE webhook_events
   SET event_id = replace(event_id, char(92), char(92, 92)), merchant_id = replace(merchant_id, char(92), char(92, 92)),
       type = replace(type, char(92), char(92, 92))
   WHERE instr(event_id || merchant_id || type, char(92)) > 0;
   UPDATE customer_merges
   SET merchant_id = replace(merchant_id, char(92), char(92, 92)), from_customer_id = replace(from_customer_id, char(92), char(92, 92)),
       to_customer_id = replace(to_customer_id, char(92), char(92, 92)), event_id = replace(event_id, char(92), char(92, 92))
   WHERE instr(merchant_id || from_customer_id || to_customer_id || event_id, char(92)) > 0;`,
  // The order events were applied in, which live update subscribers resume from; events applied before stay unnumbered.
  `ALTER TABLE webhook_events ADD COLUMN applied_seq INTEGER;
   CREATE UNIQUE INDEX webhook_events_applied ON webhook_events (applied_seq) WHERE applied_seq IS NOT NULL;
   CREATE INDEX webhook_events_replay ON webhook_events (merchant_id, applied_seq) WHERE applied_seq IS NOT NULL;`,
];

type Row = EventRow<string>;
const toEvent = (row: Row) => toStoredEvent(row, (t) => t);

/**
 * Work done in the transaction that marks events applied, before its commit: it happens exactly
 * once per event, and is rolled back with the marks should it throw.
 */
export type SqliteApplyHook = (db: Database.Database, applied: readonly AppliedRow[]) => void;

/** The embedded store: one SQLite file (or `:memory:`), opened as `openSqliteFile` says. */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly applyHooks: SqliteApplyHook[] = [];

  constructor(path: string) {
    this.db = openSqliteFile(path);
    this.migrate();
    const db = this.db;
    this.statements = {
      insertEvent: db.prepare(
        `INSERT INTO webhook_events (event_id, merchant_id, type, received_at, raw_body)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
      ),
      pending: db.prepare<{ now: string; limit: number }, Row>(
        `SELECT * FROM webhook_events
         WHERE applied_at IS NULL AND parked_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= :now)
         ORDER BY seq LIMIT :limit`,
      ),
      lastApplied: db.prepare<[], { seq: number | null }>('SELECT max(applied_seq) AS seq FROM webhook_events'),
      markApplied: db.prepare('UPDATE webhook_events SET applied_at = ?, applied_seq = ? WHERE event_id = ? AND applied_at IS NULL'),
      appliedRow: db.prepare<[string], { merchant_id: string; type: string; raw_body: string; received_at: string }>(
        'SELECT merchant_id, type, raw_body, received_at FROM webhook_events WHERE event_id = ?',
      ),
      appliedAfter: db.prepare<{ merchant: string; after: number; limit: number; types: string | null }, ReplayRow>(
        `SELECT applied_seq, event_id, type, raw_body, applied_at FROM webhook_events
         WHERE merchant_id = :merchant AND applied_seq > :after AND (:types IS NULL OR type IN (SELECT value FROM json_each(:types)))
         ORDER BY applied_seq LIMIT :limit`,
      ),
      firstApplied: db.prepare<[], { seq: number | null }>('SELECT min(applied_seq) AS seq FROM webhook_events'),
      prune: db.prepare<{ before: string }>(
        `DELETE FROM webhook_events WHERE applied_at < :before
         AND applied_seq < (SELECT max(applied_seq) FROM webhook_events)`,
      ),
      recordFailure: db.prepare<{ id: string; error: string; next: string | null; parked: string | null }>(
        `UPDATE webhook_events SET attempts = attempts + 1, last_error = :error, next_attempt_at = :next, parked_at = :parked
         WHERE event_id = :id AND applied_at IS NULL`,
      ),
      nextRetry: db.prepare<[], { at: string | null }>(
        'SELECT min(next_attempt_at) AS at FROM webhook_events WHERE applied_at IS NULL AND parked_at IS NULL',
      ),
      parked: db.prepare<[number], Row>('SELECT * FROM webhook_events WHERE parked_at IS NOT NULL ORDER BY seq LIMIT ?'),
      event: db.prepare<[string], Row>('SELECT * FROM webhook_events WHERE event_id = ?'),
      insertMerge: db.prepare(
        `INSERT INTO customer_merges (merchant_id, from_customer_id, to_customer_id, event_id)
         VALUES (?, ?, ?, ?) ON CONFLICT (merchant_id, from_customer_id) DO NOTHING`,
      ),
      // Each ancestor row carries the customer it was reached from, so many lineages come back in one query;
      // UNION (not UNION ALL) visits each (customer, ancestor) once, so even a cyclic record cannot loop.
      mergedFrom: db.prepare<{ merchant: string; ids: string }, { root: string; id: string }>(
        `WITH RECURSIVE ancestors(root, id) AS (
           SELECT to_customer_id, from_customer_id FROM customer_merges
           WHERE merchant_id = :merchant AND to_customer_id IN (SELECT value FROM json_each(:ids))
           UNION
           SELECT a.root, m.from_customer_id FROM customer_merges m JOIN ancestors a ON m.to_customer_id = a.id
           WHERE m.merchant_id = :merchant
         )
         SELECT a.root, m.from_customer_id AS id FROM customer_merges m JOIN ancestors a ON a.id = m.from_customer_id
         WHERE m.merchant_id = :merchant AND m.from_customer_id <> a.root ORDER BY m.seq`,
      ),
      mergedInto: db.prepare<{ merchant: string; id: string; depth: number }, { id: string }>(
        `WITH RECURSIVE forward(id, depth) AS (
           SELECT to_customer_id, 1 FROM customer_merges WHERE merchant_id = :merchant AND from_customer_id = :id
           UNION ALL
           SELECT m.to_customer_id, f.depth + 1 FROM customer_merges m JOIN forward f ON m.from_customer_id = f.id
           WHERE m.merchant_id = :merchant AND f.depth < :depth
         )
         SELECT id FROM forward ORDER BY depth DESC LIMIT 1`,
      ),
    };
  }

  private migrate(): void {
    // IMMEDIATE takes the write lock first, so two processes opening one file migrate one after the other.
    this.db
      .transaction(() => {
        const applied = this.db.pragma('user_version', { simple: true }) as number;
        for (const sql of MIGRATIONS.slice(applied)) this.db.exec(sql);
        this.db.pragma(`user_version = ${Math.max(applied, MIGRATIONS.length)}`);
      })
      .immediate();
  }

  async recordEvent(event: EventEnvelope, rawBody: string): Promise<'new' | 'duplicate'> {
    const { changes } = this.statements.insertEvent.run(
      toStorable(event.event_id),
      toStorable(event.merchant_id),
      toStorable(event.type),
      new Date().toISOString(),
      rawBody,
    );
    return changes === 1 ? 'new' : 'duplicate';
  }

  async pendingEvents(limit: number): Promise<StoredEvent[]> {
    return this.statements.pending.all({ now: new Date().toISOString(), limit }).map(toEvent);
  }

  /** Adds work to every commit that marks events applied (see SqliteApplyHook). */
  onApply(hook: SqliteApplyHook): void {
    this.applyHooks.push(hook);
  }

  /**
   * The store's connection, for a store that keeps its tables in the same file and writes in the
   * commits that mark events applied (src/outbound): one connection, so that `:memory:` is one database.
   */
  get database(): Database.Database {
    return this.db;
  }

  async markApplied(eventIds: readonly string[]): Promise<Map<string, number>> {
    const now = new Date().toISOString();
    // IMMEDIATE: another process on the same file numbers its batch before or after this one, never beside it.
    return this.db
      .transaction(() => {
        const marked = new Map<string, number>();
        let next = (this.statements.lastApplied.get()?.seq ?? 0) + 1;
        for (const id of eventIds) if (this.statements.markApplied.run(now, next, toStorable(id)).changes === 1) marked.set(id, next++);
        if (this.applyHooks.length > 0) {
          const applied = [...marked].map(([eventId, sequence]) => {
            const row = this.statements.appliedRow.get(toStorable(eventId))!;
            return { eventId, sequence, merchantId: fromStorable(row.merchant_id), type: fromStorable(row.type), rawBody: row.raw_body, receivedAt: row.received_at };
          });
          for (const hook of this.applyHooks) hook(this.db, applied);
        }
        return marked;
      })
      .immediate();
  }

  async appliedAfter(merchantId: string, sequence: number, limit: number, types?: readonly string[]): Promise<AppliedEventRecord[]> {
    const only = types ? JSON.stringify(types.map(toStorable)) : null;
    return this.statements.appliedAfter.all({ merchant: toStorable(merchantId), after: sequence, limit, types: only }).map((row) => toAppliedRecord(row, (t) => t));
  }

  async lastAppliedSequence(): Promise<number> {
    return this.statements.lastApplied.get()?.seq ?? 0;
  }

  async oldestAppliedSequence(): Promise<number | undefined> {
    return this.statements.firstApplied.get()?.seq ?? undefined;
  }

  async pruneApplied(before: Date): Promise<number> {
    return this.statements.prune.run({ before: before.toISOString() }).changes;
  }

  async recordFailure(eventId: string, error: string, retryInMs: number | undefined): Promise<void> {
    const now = Date.now();
    this.statements.recordFailure.run({
      id: toStorable(eventId),
      error: toStorable(error),
      next: retryInMs === undefined ? null : new Date(now + retryInMs).toISOString(),
      parked: retryInMs === undefined ? new Date(now).toISOString() : null,
    });
  }

  async nextRetryInMs(): Promise<number | undefined> {
    const at = this.statements.nextRetry.get()?.at;
    return at ? Math.max(0, Date.parse(at) - Date.now()) : undefined;
  }

  async parkedEvents(limit: number): Promise<StoredEvent[]> {
    return this.statements.parked.all(limit).map(toEvent);
  }

  async event(eventId: string): Promise<StoredEvent | undefined> {
    const row = this.statements.event.get(toStorable(eventId));
    return row && toEvent(row);
  }

  async recordMerge(merchantId: string, fromIds: readonly string[], toId: string, eventId: string): Promise<void> {
    const [merchant, to, event] = [toStorable(merchantId), toStorable(toId), toStorable(eventId)];
    this.db.transaction(() => {
      for (const fromId of fromIds) if (fromId !== toId) this.statements.insertMerge.run(merchant, toStorable(fromId), to, event);
    })();
  }

  async mergedFrom(merchantId: string, customerIds: readonly string[]): Promise<Map<string, string[]>> {
    const ids = JSON.stringify(customerIds.map(toStorable));
    return lineagesOf(customerIds, this.statements.mergedFrom.all({ merchant: toStorable(merchantId), ids }));
  }

  async mergedInto(merchantId: string, customerId: string): Promise<string | undefined> {
    const row = this.statements.mergedInto.get({ merchant: toStorable(merchantId), id: toStorable(customerId), depth: MAX_MERGE_DEPTH });
    return row && fromStorable(row.id);
  }

  /** Forgets every event and merge: the demo's in-memory store, when the emulator whose customers it describes is reset. */
  clear(): void {
    this.db.exec('DELETE FROM webhook_events; DELETE FROM customer_merges;');
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
