import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/store/index.js';
import { DATABASE_URL, postgresLocation, lineageOf, sqliteLocation, STORE_BACKENDS, type StoreLocation } from '../support/stores.js';

/** The event ids a markApplied call marked, in the order it numbered them. */
const marked = async (store: EventStore, ids: string[]) => [...(await store.markApplied(ids)).keys()];

function envelope(type = 'customer.created', merchantId = `M-${randomUUID()}`) {
  return { event_id: randomUUID(), merchant_id: merchantId, type };
}

for (const backend of STORE_BACKENDS) {
  describe.skipIf(backend.skip)(`event store on ${backend.name}`, () => {
    const locations: StoreLocation[] = [];
    const opened: EventStore[] = [];
    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((store) => store.close()));
      await Promise.all(locations.splice(0).map((location) => location.drop()));
    });
    async function fresh(): Promise<{ store: EventStore; reopen: () => Promise<EventStore> }> {
      const location = backend.fresh();
      locations.push(location);
      const open = async () => {
        const store = await location.open();
        opened.push(store);
        return store;
      };
      return { store: await open(), reopen: open };
    }

    it('stores an event once by its id, with the raw body byte for byte', async () => {
      const { store } = await fresh();
      const event = envelope();
      const raw = JSON.stringify({ ...event, data: { note: 'ünïcode ✓' } }, null, 3);
      expect(await store.recordEvent(event, raw)).toBe('new');
      expect(await store.recordEvent(event, '{"other":"body"}')).toBe('duplicate');
      const stored = await store.event(event.event_id);
      expect(stored).toMatchObject({ eventId: event.event_id, merchantId: event.merchant_id, type: event.type, rawBody: raw, appliedAt: null });
      expect(Date.parse(stored!.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(await store.event('no-such-event')).toBeUndefined();
    });

    it('lets exactly one of many concurrent deliveries of an event through', async () => {
      const { store } = await fresh();
      const event = envelope();
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.recordEvent(event, '{}')));
      expect(outcomes.filter((o) => o === 'new')).toHaveLength(1);
      expect(await store.pendingEvents(100)).toHaveLength(1);
    });

    it('lists pending events oldest first, and each is marked applied once', async () => {
      const { store } = await fresh();
      const events = [envelope(), envelope('payment.updated'), envelope('gift_card.updated')];
      for (const event of events) await store.recordEvent(event, JSON.stringify(event));
      expect((await store.pendingEvents(2)).map((e) => e.eventId)).toEqual(events.slice(0, 2).map((e) => e.event_id));
      expect(await marked(store, [events[0]!.event_id])).toEqual([events[0]!.event_id]);
      expect(await marked(store, [events[0]!.event_id])).toEqual([]);
      expect(await marked(store, ['no-such-event'])).toEqual([]);
      expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual(events.slice(1).map((e) => e.event_id));
      expect((await store.event(events[0]!.event_id))!.appliedAt).not.toBeNull();
    });

    it('marks a batch applied at once, returning only what this call marked, even with deliveries racing', async () => {
      const { store } = await fresh();
      const events = Array.from({ length: 50 }, () => envelope('payment.updated'));
      for (const event of events) await store.recordEvent(event, '{}');
      const ids = events.map((e) => e.event_id);
      expect(await marked(store, ids.slice(0, 10))).toEqual(ids.slice(0, 10));
      // Two instances with overlapping batches: each event is marked by exactly one of them.
      const [a, b] = await Promise.all([marked(store, ids.slice(5, 40)), marked(store, [...ids.slice(30), 'no-such-event'])]);
      expect([...a, ...b].sort()).toEqual(ids.slice(10).sort());
      expect(await store.pendingEvents(100)).toEqual([]);
      expect(await marked(store, [])).toEqual([]);
    });

    it('numbers applied events in the order they were applied, across calls and racing instances, and reads a seller’s back', async () => {
      const { store } = await fresh();
      const [merchant, other] = [`M-${randomUUID()}`, `M-${randomUUID()}`];
      const events = Array.from({ length: 30 }, (_, i) => envelope('payment.updated', i % 3 === 2 ? other : merchant));
      for (const event of events) await store.recordEvent(event, JSON.stringify({ n: event.event_id }));
      const ids = events.map((e) => e.event_id);
      // Given out of arrival order: numbered in the order given.
      const first = await store.markApplied([ids[1]!, ids[0]!]);
      expect([...first.entries()]).toEqual([[ids[1], 1], [ids[0], 2]]);
      const [a, b] = await Promise.all([store.markApplied(ids.slice(2, 20)), store.markApplied(ids.slice(15))]);
      const sequences = [...a.values(), ...b.values()];
      expect(new Set(sequences).size).toBe(28);
      expect(sequences.sort((x, y) => x - y)).toEqual(Array.from({ length: 28 }, (_, i) => i + 3));
      // One call's events hold consecutive numbers in its order: the other call numbered its batch wholly before or after.
      for (const call of [a, b]) {
        const numbers = [...call.values()];
        expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
      }

      const all = new Map([...first, ...a, ...b]);
      const replay = await store.appliedAfter(merchant, 2, 100);
      const expected = ids.filter((id, i) => i % 3 !== 2 && all.get(id)! > 2).sort((x, y) => all.get(x)! - all.get(y)!);
      expect(replay.map((e) => e.eventId)).toEqual(expected);
      expect(replay.map((e) => e.sequence)).toEqual(expected.map((id) => all.get(id)));
      expect(replay[0]).toMatchObject({ type: 'payment.updated', rawBody: JSON.stringify({ n: expected[0] }) });
      expect(Date.parse(replay[0]!.appliedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(await store.appliedAfter(merchant, 2, 3)).toEqual(replay.slice(0, 3));
      expect(await store.appliedAfter(merchant, 1000, 10)).toEqual([]);
    });

    it('reads a seller’s applied events of some types only, and forgets old ones but the last, whose number the next follow', async () => {
      const { store } = await fresh();
      const merchant = `M-${randomUUID()}`;
      expect(await store.lastAppliedSequence()).toBe(0);
      expect(await store.oldestAppliedSequence()).toBeUndefined();
      const types = ['payment.updated', 'customer.updated', 'order.created', 'customer.updated'];
      const events = types.map((type) => envelope(type, merchant));
      for (const event of events) await store.recordEvent(event, '{}');
      await store.markApplied(events.map((e) => e.event_id));
      expect((await store.appliedAfter(merchant, 0, 10, ['customer.updated', 'order.created'])).map((e) => e.sequence)).toEqual([2, 3, 4]);
      expect(await store.appliedAfter(merchant, 0, 10, [])).toEqual([]);
      expect(await store.lastAppliedSequence()).toBe(4);

      const pending = envelope('payment.created', merchant);
      await store.recordEvent(pending, '{}');
      expect(await store.pruneApplied(new Date(Date.now() - 60_000))).toBe(0);
      expect(await store.pruneApplied(new Date(Date.now() + 60_000))).toBe(3);
      expect(await store.oldestAppliedSequence()).toBe(4);
      expect((await store.appliedAfter(merchant, 0, 10)).map((e) => e.sequence)).toEqual([4]);
      expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual([pending.event_id]);
      expect([...(await store.markApplied([pending.event_id])).values()]).toEqual([5]);
      expect(await store.lastAppliedSequence()).toBe(5);
    });

    it('keeps ids with U+0000, lone surrogates and backslashes intact and apart', async () => {
      const { store } = await fresh();
      // '\ud800x' and '\udbffx' would both be written as '\ufffdx'; 'a\\u0000' is the escape's own spelling.
      const ids = ['a\u0000b', '\ud800x', '\udbffx', 'y\udc00', 'a\\u0000b', 'back\\slash\\', 'plain'];
      const events = ids.map((id) => ({ event_id: id, merchant_id: `M\u0000${id}`, type: `t\ud800${id}` }));
      for (const event of events) expect(await store.recordEvent(event, '{}')).toBe('new');
      for (const event of events) expect(await store.recordEvent(event, '{}')).toBe('duplicate');
      const pending = await store.pendingEvents(100);
      expect(pending.map((e) => [e.eventId, e.merchantId, e.type])).toEqual(events.map((e) => [e.event_id, e.merchant_id, e.type]));
      for (const id of ids) expect((await store.event(id))?.eventId).toBe(id);
      expect(await marked(store, ['\ud800x'])).toEqual(['\ud800x']);
      expect((await store.event('\udbffx'))!.appliedAt).toBeNull();

      const merchant = 'M\u0000';
      await store.recordMerge(merchant, ['\ud800x', 'a\u0000b'], 'C\\\u0000', 'a\u0000b');
      await store.recordMerge(merchant, ['\udbffx'], 'D', 'e');
      expect(await lineageOf(store, merchant, 'C\\\u0000')).toEqual(['\ud800x', 'a\u0000b']);
      expect(await lineageOf(store, merchant, 'D')).toEqual(['\udbffx']);
      expect(await store.mergedInto(merchant, '\ud800x')).toBe('C\\\u0000');
      expect(await store.mergedInto(merchant, 'a\\u0000b')).toBeUndefined();
      expect(await lineageOf(store, 'M', 'C\\\u0000')).toEqual([]);
    });

    it('holds a failed event back until its retry is due, and parks it for good', async () => {
      const { store } = await fresh();
      const [first, second, third] = [envelope(), envelope(), envelope()];
      for (const event of [first, second, third]) await store.recordEvent(event, '{}');
      expect(await store.nextRetryInMs()).toBeUndefined();

      await store.recordFailure(first.event_id, 'refused: \u0000 in "id"', 60_000);
      expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual([second.event_id, third.event_id]);
      const failed = (await store.event(first.event_id))!;
      expect(failed).toMatchObject({ attempts: 1, lastError: 'refused: \u0000 in "id"', appliedAt: null, parkedAt: null });
      expect(Date.parse(failed.nextAttemptAt!) - Date.now()).toBeGreaterThan(50_000);
      expect(await store.nextRetryInMs()).toBeGreaterThan(50_000);

      await store.recordFailure(second.event_id, 'flaky', 0);
      expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual([second.event_id, third.event_id]);
      expect(await store.nextRetryInMs()).toBe(0);

      await store.recordFailure(first.event_id, 'refused again', undefined);
      const parked = (await store.event(first.event_id))!;
      expect(parked).toMatchObject({ attempts: 2, lastError: 'refused again', nextAttemptAt: null, appliedAt: null });
      expect(Date.parse(parked.parkedAt!)).toBeGreaterThan(Date.now() - 60_000);
      expect((await store.parkedEvents(10)).map((e) => e.eventId)).toEqual([first.event_id]);
      expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual([second.event_id, third.event_id]);

      // An event another instance applied meanwhile stays applied.
      expect(await marked(store, [third.event_id])).toEqual([third.event_id]);
      await store.recordFailure(third.event_id, 'late', undefined);
      expect(await store.event(third.event_id)).toMatchObject({ attempts: 0, lastError: null, parkedAt: null });
      expect(await store.parkedEvents(10)).toHaveLength(1);
    });

    it('follows merge chains both ways: A+B→C, then C+D→E', async () => {
      const { store } = await fresh();
      const merchant = `M-${randomUUID()}`;
      await store.recordMerge(merchant, ['A', 'B'], 'C', 'event-1');
      await store.recordMerge(merchant, ['C', 'D'], 'E', 'event-2');
      expect(await lineageOf(store, merchant, 'E')).toEqual(['A', 'B', 'C', 'D']);
      expect(await lineageOf(store, merchant, 'C')).toEqual(['A', 'B']);
      expect(await lineageOf(store, merchant, 'A')).toEqual([]);
      for (const id of ['A', 'B', 'C', 'D']) expect(await store.mergedInto(merchant, id)).toBe('E');
      expect(await store.mergedInto(merchant, 'E')).toBeUndefined();
      expect(await store.mergedInto(merchant, 'unknown')).toBeUndefined();
    });

    it('answers the lineages of many customers in one call', async () => {
      const { store } = await fresh();
      const merchant = `M-${randomUUID()}`;
      await store.recordMerge(merchant, ['A', 'B'], 'C', 'event-1');
      await store.recordMerge(merchant, ['C', 'D'], 'E', 'event-2');
      await store.recordMerge(merchant, ['X'], 'Y', 'event-3');
      const lineages = await store.mergedFrom(merchant, ['E', 'C', 'Y', 'A', 'unknown']);
      expect(Object.fromEntries(lineages)).toEqual({ E: ['A', 'B', 'C', 'D'], C: ['A', 'B'], Y: ['X'], A: [], unknown: [] });
      expect(await store.mergedFrom(merchant, [])).toEqual(new Map());
    });

    it('records a merge delivered twice once', async () => {
      const { store } = await fresh();
      const merchant = `M-${randomUUID()}`;
      await store.recordMerge(merchant, ['A', 'B'], 'C', 'event-1');
      await store.recordMerge(merchant, ['A', 'B'], 'C', 'event-1');
      await Promise.all([store.recordMerge(merchant, ['A', 'B'], 'C', 'event-1'), store.recordMerge(merchant, ['B', 'A'], 'C', 'event-1')]);
      expect(await lineageOf(store, merchant, 'C')).toEqual(['A', 'B']);
    });

    it("keeps each seller's lineage to itself", async () => {
      const { store } = await fresh();
      await store.recordMerge('M1', ['A', 'B'], 'C', 'event-1');
      await store.recordMerge('M2', ['C', 'X'], 'Y', 'event-2');
      expect(await lineageOf(store, 'M1', 'C')).toEqual(['A', 'B']);
      expect(await lineageOf(store, 'M2', 'Y')).toEqual(['C', 'X']);
      expect(await store.mergedInto('M1', 'A')).toBe('C');
      expect(await store.mergedInto('M1', 'C')).toBeUndefined();
      expect(await lineageOf(store, 'M2', 'C')).toEqual([]);
    });

    it('ends even on a cyclic record (which Square never sends)', async () => {
      const { store } = await fresh();
      await store.recordMerge('M', ['A'], 'B', 'event-1');
      await store.recordMerge('M', ['B'], 'A', 'event-2');
      await store.recordMerge('M', ['S'], 'S', 'event-3');
      expect((await lineageOf(store, 'M', 'A')).sort()).toEqual(['B']);
      expect(['A', 'B']).toContain(await store.mergedInto('M', 'A'));
      expect(await lineageOf(store, 'M', 'S')).toEqual([]);
      expect(await store.mergedInto('M', 'S')).toBeUndefined();
    });

    it('keeps events and merges across a restart, and migrates an existing database as a no-op', async () => {
      const { store, reopen } = await fresh();
      const event = envelope();
      await store.recordEvent(event, '{"kept":true}');
      await store.recordMerge(event.merchant_id, ['A', 'B'], 'C', event.event_id);
      await store.close();
      const again = await reopen();
      expect((await again.event(event.event_id))!.rawBody).toBe('{"kept":true}');
      expect(await again.recordEvent(event, '{}')).toBe('duplicate');
      expect(await lineageOf(again, event.merchant_id, 'C')).toEqual(['A', 'B']);
    });
  });
}

/** Tables as migration 1 left them, holding an event and a merge whose ids have a backslash (stored as they were, then). */
const VERSION_1 = (types: { seq: string; time: string; received: string; now: string }) => `
  CREATE TABLE webhook_events (
    seq ${types.seq} PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, merchant_id TEXT NOT NULL, type TEXT NOT NULL,
    received_at ${types.received}, raw_body TEXT NOT NULL, applied_at ${types.time});
  CREATE INDEX webhook_events_pending ON webhook_events (seq) WHERE applied_at IS NULL;
  CREATE TABLE customer_merges (
    seq ${types.seq} PRIMARY KEY, merchant_id TEXT NOT NULL, from_customer_id TEXT NOT NULL, to_customer_id TEXT NOT NULL,
    event_id TEXT NOT NULL, UNIQUE (merchant_id, from_customer_id));
  INSERT INTO webhook_events (event_id, merchant_id, type, received_at, raw_body, applied_at)
  VALUES ('E\\1', 'M\\', 'customer.created', ${types.now}, '{"a":"\\u0000"}', NULL), ('E2', 'M', 'payment.updated', ${types.now}, '{}', ${types.now});
  INSERT INTO customer_merges (merchant_id, from_customer_id, to_customer_id, event_id) VALUES ('M\\', 'A\\', 'C', 'E\\1');`;

/** Opens the migrated store at `location` and checks that version 1's rows came through. */
async function expectMigratedFromVersion1(location: StoreLocation): Promise<void> {
  const store = await location.open();
  try {
    expect(await store.pendingEvents(10)).toEqual([
      expect.objectContaining({ eventId: 'E\\1', merchantId: 'M\\', rawBody: '{"a":"\\u0000"}', attempts: 0, parkedAt: null }),
    ]);
    expect((await store.event('E2'))!.appliedAt).not.toBeNull();
    // Applied before events were numbered: not replayable, and the numbering starts afresh.
    expect(await store.appliedAfter('M', 0, 10)).toEqual([]);
    expect([...(await store.markApplied(['E\\1'])).values()]).toEqual([1]);
    expect(await lineageOf(store, 'M\\', 'C')).toEqual(['A\\']);
    expect(await store.mergedInto('M\\', 'A\\')).toBe('C');
    expect(await store.recordEvent({ event_id: 'E\\1', merchant_id: 'M\\', type: 'customer.created' }, '{}')).toBe('duplicate');
  } finally {
    await store.close();
  }
}

describe('migrations 2 and 3', () => {
  it('keeps what a version 1 SQLite database held, ids with backslashes included', async () => {
    const location = sqliteLocation();
    try {
      mkdirSync(dirname(location.path), { recursive: true });
      const db = new Database(location.path);
      db.exec(VERSION_1({ seq: 'INTEGER', time: 'TEXT', received: 'TEXT NOT NULL', now: `'${new Date().toISOString()}'` }));
      db.pragma('user_version = 1');
      db.close();
      await expectMigratedFromVersion1(location);
    } finally {
      await location.drop();
    }
  });

  it.skipIf(!DATABASE_URL)('keeps what a version 1 PostgreSQL schema held, ids with backslashes included', async () => {
    const location = postgresLocation();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${location.schema}; SET search_path = ${location.schema}`);
      await client.query(VERSION_1({ seq: 'BIGSERIAL', time: 'TIMESTAMPTZ', received: 'TIMESTAMPTZ NOT NULL DEFAULT now()', now: 'now()' }));
      await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      await client.query('INSERT INTO schema_migrations (version) VALUES (1)');
      await expectMigratedFromVersion1(location);
    } finally {
      await client.end();
      await location.drop();
    }
  });
});

describe.skipIf(!DATABASE_URL)('PostgreSQL migrations', () => {
  it('run once when several gateway instances start together', async () => {
    const location = postgresLocation();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => location.open()));
      await Promise.all(stores.map((store) => store.close()));
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT version FROM ${location.schema}.schema_migrations ORDER BY version`);
        expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
      } finally {
        await client.end();
      }
    } finally {
      await location.drop();
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    const { PostgresEventStore } = await import('../../src/store/index.js');
    await expect(PostgresEventStore.open({ connectionString: DATABASE_URL!, schema: 'x; DROP TABLE y' })).rejects.toThrow(/identifier/);
  });
});
