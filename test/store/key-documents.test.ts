import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresKeyDocumentStore, SqliteKeyDocumentStore, type KeyDocumentStore } from '../../src/store/index.js';
import { DATABASE_URL, postgresLocation, sqliteLocation, STORE_BACKENDS, type StoreLocation } from '../support/stores.js';

const aKey = () => randomBytes(32).toString('hex');
const documents = (...texts: string[]) => new Map(texts.map((text, i) => [`${i}`.padStart(64, 'd') + text.length, text]));

/** Where each backend keeps the keys' documents: beside the event store, in the same file or schema. */
const KEY_DOCUMENT_BACKENDS = STORE_BACKENDS.map((backend) => ({
  ...backend,
  fresh(): { location: StoreLocation; open: () => Promise<KeyDocumentStore> } {
    if (backend.name === 'SQLite') {
      const location = sqliteLocation();
      return { location, open: async () => new SqliteKeyDocumentStore(location.path) };
    }
    const location = postgresLocation();
    return { location, open: () => PostgresKeyDocumentStore.open({ connectionString: DATABASE_URL!, schema: location.schema, poolSize: 4 }) };
  },
}));

for (const backend of KEY_DOCUMENT_BACKENDS) {
  describe.skipIf(backend.skip)(`keys' trusted documents on ${backend.name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    async function fresh() {
      const { location, open } = backend.fresh();
      cleanups.push(() => location.drop());
      const opening = async () => {
        const store = await open();
        cleanups.push(() => store.close());
        return store;
      };
      return { store: await opening(), location, reopen: opening };
    }

    it("keeps each key's documents apart, and registering them again changes nothing", async () => {
      const { store } = await fresh();
      const [a, b] = [aKey(), aKey()];
      const mine = documents('{ a }', '{ b }');
      expect(await store.register(a, mine, 10)).toEqual({ outcome: 'registered', added: 2, total: 2 });
      expect(await store.register(a, mine, 10)).toEqual({ outcome: 'registered', added: 0, total: 2 });
      const [first] = mine.keys();
      expect(await store.document(a, first!)).toBe('{ a }');
      expect(await store.document(b, first!)).toBeUndefined();
      expect(await store.list(b)).toEqual([]);
      expect((await store.list(a)).map((entry) => entry.digest).sort()).toEqual([...mine.keys()].sort());
      expect(Date.parse((await store.list(a))[0]!.registeredAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(await store.remove(b, first!)).toBe(false);
      expect(await store.remove(a, first!)).toBe(true);
      expect(await store.document(a, first!)).toBeUndefined();
    });

    it('adds nothing when the key would hold more than the limit, counting what it holds', async () => {
      const { store } = await fresh();
      const key = aKey();
      await store.register(key, documents('{ a }', '{ b }'), 3);
      // Two of these are held already: only one is new, and it fits.
      expect(await store.register(key, documents('{ a }', '{ b }', '{ c }'), 3)).toEqual({ outcome: 'registered', added: 1, total: 3 });
      expect(await store.register(key, new Map([['e'.repeat(64), '{ e }']]), 3)).toEqual({ outcome: 'over-limit', total: 4 });
      expect(await store.list(key)).toHaveLength(3);
    });

    it('keeps documents across a restart, and opens (migrated) again beside the event store', async () => {
      const { store, location, reopen } = await fresh();
      const key = aKey();
      await store.register(key, documents('{ kept }'), 10);
      await store.close();
      const events = await location.open();
      cleanups.push(() => events.close());
      const again = await reopen();
      expect((await again.list(key)).map((entry) => entry.digest)).toEqual([...documents('{ kept }').keys()]);
    });

    it('never lets concurrent registrations for one key (from several instances) pass the limit together', async () => {
      const { store, reopen } = await fresh();
      const instances = [store, await reopen(), await reopen()];
      const key = aKey();
      // Each of 12 registrations brings 2 new documents of its own; 10 fit.
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          instances[i % 3]!.register(key, new Map([[`${i}a`.padEnd(64, '0'), `{ a${i} }`], [`${i}b`.padEnd(64, '0'), `{ b${i} }`]]), 10),
        ),
      );
      expect(outcomes.filter((o) => o.outcome === 'registered')).toHaveLength(5);
      expect(await store.list(key)).toHaveLength(10);
    });
  });
}
