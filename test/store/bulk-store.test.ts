import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BulkChunk, BulkStore, NewBulkOperation } from '../../src/store/index.js';
import { STORE_BACKENDS, type StoreLocation } from '../support/stores.js';
import { WAIT } from '../support/waiting.js';

const LIMITS = { perSeller: 2, perKey: 1 };
const LEASE_MS = 60_000;

function operation(fields: Partial<NewBulkOperation> = {}): NewBulkOperation {
  return {
    id: randomUUID(),
    seller: `seller-${randomUUID()}`,
    merchantId: 'M1',
    keySha256: null,
    query: '{ customers { edges { node { id } } } }',
    sealedToken: null,
    changesCursor: 7,
    ...fields,
  };
}

const chunk = (lines: string[], progress: string): BulkChunk => {
  const text = lines.map((line) => `${line}\n`).join('');
  return { lines: text, objects: lines.length, rootObjects: lines.length, bytes: Buffer.byteLength(text), progress };
};

async function created(store: BulkStore, fields: Partial<NewBulkOperation> = {}) {
  const result = await store.create(operation(fields), LIMITS);
  if (!('created' in result)) throw new Error(`refused: ${JSON.stringify(result)}`);
  return result.created;
}

for (const backend of STORE_BACKENDS) {
  describe.skipIf(backend.skip)(`bulk operations on ${backend.name}`, () => {
    const locations: StoreLocation[] = [];
    const opened: BulkStore[] = [];
    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((store) => store.close()));
      await Promise.all(locations.splice(0).map((location) => location.drop()));
    });
    async function fresh(): Promise<{ store: BulkStore; another: () => Promise<BulkStore> }> {
      const location = backend.fresh();
      locations.push(location);
      const open = async () => {
        const store = await location.openBulk();
        opened.push(store);
        return store;
      };
      return { store: await open(), another: open };
    }

    it('creates an operation CREATED, and counts it against its seller’s and its key’s limits until it ends', async () => {
      const { store } = await fresh();
      const seller = `seller-${randomUUID()}`;
      const first = await created(store, { seller, keySha256: 'key-a' });
      expect(first).toMatchObject({ status: 'CREATED', seller, keySha256: 'key-a', changesCursor: 7, objectCount: 0, fileSize: 0 });
      expect(await store.create(operation({ seller, keySha256: 'key-a' }), LIMITS)).toEqual({ limited: 'key', limit: 1 });
      await created(store, { seller, keySha256: 'key-b' });
      expect(await store.create(operation({ seller, keySha256: 'key-c' }), LIMITS)).toEqual({ limited: 'seller', limit: 2 });
      // Another seller's operations are theirs.
      await created(store, { keySha256: 'key-c' });
      await store.cancel(first.id);
      await created(store, { seller, keySha256: 'key-a' });
      expect((await store.latest(seller, 'key-a'))?.id).not.toBe(first.id);
      expect(await store.latest(seller, null)).toBeUndefined();
    });

    it('holds the limits when many instances create at once', async () => {
      const { store, another } = await fresh();
      const stores = [store, await another(), await another()];
      const seller = `seller-${randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 9 }, (_, i) => stores[i % 3]!.create(operation({ seller }), LIMITS)));
      expect(results.filter((r) => 'created' in r)).toHaveLength(LIMITS.perSeller);
    });

    it('appends chunks with their checkpoint only while the run is the owner’s, and serves them in order', async () => {
      const { store } = await fresh();
      const op = await created(store);
      const claimed = await store.claim('instance-a', LEASE_MS, op.id);
      expect(claimed).toMatchObject({ id: op.id, status: 'RUNNING', progress: null });
      expect(await store.claim('instance-b', LEASE_MS, op.id)).toBeUndefined();
      expect(await store.append(op.id, 'instance-a', LEASE_MS, chunk(['{"a":1}', '{"a":2}'], 'p1'))).toBe(true);
      expect(await store.append(op.id, 'instance-a', LEASE_MS, { ...chunk([], 'p2'), lines: '' })).toBe(true);
      expect(await store.append(op.id, 'instance-a', LEASE_MS, chunk(['{"a":3}'], 'p3'))).toBe(true);
      expect(await store.append(op.id, 'instance-b', LEASE_MS, chunk(['{"stolen":1}'], 'px'))).toBe(false);
      expect(await store.operation(op.id)).toMatchObject({ objectCount: 3, rootObjectCount: 3, fileSize: 24, progress: 'p3' });
      expect(await store.chunks(op.id, 0, 10)).toEqual(['{"a":1}\n{"a":2}\n', '{"a":3}\n']);
      expect(await store.chunks(op.id, 1, 10)).toEqual(['{"a":3}\n']);
      const done = await store.finish(op.id, 'instance-a', { status: 'COMPLETED' });
      expect(done).toMatchObject({ status: 'COMPLETED', objectCount: 3 });
      expect(Date.parse(done!.completedAt!)).toBeGreaterThan(Date.now() - 60_000);
      expect(await store.append(op.id, 'instance-a', LEASE_MS, chunk(['{"late":1}'], 'p4'))).toBe(false);
      expect(await store.finish(op.id, 'instance-a', { status: 'FAILED', code: 'X', message: 'late' })).toBeUndefined();
    });

    it('lets another instance take over a run whose lease ran out, and the first can write nothing more', async () => {
      const { store, another } = await fresh();
      const other = await another();
      const op = await created(store);
      await store.claim('instance-a', LEASE_MS, op.id);
      await store.append(op.id, 'instance-a', LEASE_MS, chunk(['{"page":1}'], 'after-page-1'));
      expect(await other.claim('instance-b', LEASE_MS)).toBeUndefined();
      // Instance A stops renewing: its lease runs out a millisecond from now.
      await store.renew(op.id, 'instance-a', 1);
      const resumed = await vi.waitUntil(() => other.claim('instance-b', LEASE_MS), WAIT);
      expect(resumed).toMatchObject({ id: op.id, status: 'RUNNING', progress: 'after-page-1', objectCount: 1 });
      expect(await store.renew(op.id, 'instance-a', LEASE_MS)).toBe(false);
      expect(await store.append(op.id, 'instance-a', LEASE_MS, chunk(['{"page":2}'], 'a-2'))).toBe(false);
      expect(await other.append(op.id, 'instance-b', LEASE_MS, chunk(['{"page":2}'], 'b-2'))).toBe(true);
      expect(await other.renew(op.id, 'instance-b', LEASE_MS)).toBe(true);
      expect(await store.chunks(op.id, 0, 10)).toEqual(['{"page":1}\n', '{"page":2}\n']);
    });

    it('cancels a CREATED or RUNNING operation, which stops its run, and nothing that has ended', async () => {
      const { store } = await fresh();
      const running = await created(store);
      await store.claim('instance-a', LEASE_MS, running.id);
      expect(await store.cancel(running.id)).toMatchObject({ status: 'CANCELED' });
      expect(await store.renew(running.id, 'instance-a', LEASE_MS)).toBe(false);
      expect(await store.append(running.id, 'instance-a', LEASE_MS, chunk(['{}'], 'p'))).toBe(false);
      const done = await created(store);
      await store.claim('instance-a', LEASE_MS, done.id);
      await store.finish(done.id, 'instance-a', { status: 'FAILED', code: 'ACCESS_DENIED', message: 'no scope' });
      expect(await store.cancel(done.id)).toBeUndefined();
      expect(await store.operation(done.id)).toMatchObject({ status: 'FAILED', errorCode: 'ACCESS_DENIED', errorMessage: 'no scope' });
      expect(await store.cancel('no-such-operation')).toBeUndefined();
    });

    it('lists ended operations whose end is not yet published, ended (finished or canceled) before a time, until each is marked published', async () => {
      const { store, another } = await fresh();
      const finished = await created(store);
      await store.claim('instance-a', LEASE_MS, finished.id);
      await store.finish(finished.id, 'instance-a', { status: 'COMPLETED' });
      const canceled = await created(store);
      await store.cancel(canceled.id);
      const running = await created(store);
      await store.claim('instance-a', LEASE_MS, running.id);
      await created(store);
      const later = new Date(Date.now() + 60_000);
      expect(await store.unpublishedEnds(new Date(Date.now() - 60_000), 10)).toEqual([]);
      expect((await store.unpublishedEnds(later, 10)).map((o) => o.id).sort()).toEqual([finished.id, canceled.id].sort());
      expect(await store.unpublishedEnds(later, 1)).toHaveLength(1);
      await store.endPublished(finished.id);
      // Another instance on the same store sees the same.
      expect(await (await another()).unpublishedEnds(later, 10)).toMatchObject([{ id: canceled.id, status: 'CANCELED' }]);
      await store.endPublished(canceled.id);
      expect(await store.unpublishedEnds(later, 10)).toEqual([]);
    });

    it('expires operations that ended before a time, with their files, and keeps those running', async () => {
      const { store } = await fresh();
      const ended = await created(store);
      await store.claim('instance-a', LEASE_MS, ended.id);
      await store.append(ended.id, 'instance-a', LEASE_MS, chunk(['{"x":1}'], 'p'));
      await store.finish(ended.id, 'instance-a', { status: 'COMPLETED' });
      const running = await created(store);
      await store.claim('instance-a', LEASE_MS, running.id);
      expect(await store.expire(new Date(Date.now() - 60_000))).toBe(0);
      expect(await store.expire(new Date(Date.now() + 60_000))).toBe(1);
      expect(await store.operation(ended.id)).toBeUndefined();
      expect(await store.chunks(ended.id, 0, 10)).toEqual([]);
      expect(await store.operation(running.id)).toMatchObject({ status: 'RUNNING' });
    });
  });
}
