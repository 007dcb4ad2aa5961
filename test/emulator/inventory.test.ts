import { randomUUID } from 'node:crypto';
import type { Square } from 'square';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { failure, newToken, usd } from '../support/fixtures.js';

const square = useEmulator();

const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

/** A merchant with one tracked item of two variations. */
async function shop() {
  const token = newToken();
  const client = square.client(token);
  const locationId = (await client.locations.list()).locations![0]!.id!;
  const { idMappings } = await client.catalog.object.upsert({
    idempotencyKey: randomUUID(),
    object: {
      type: 'ITEM',
      id: '#mug',
      itemData: {
        name: 'Mug',
        variations: [
          { type: 'ITEM_VARIATION', id: '#blue', itemVariationData: { name: 'Blue', priceMoney: usd(1200), trackInventory: true } },
          { type: 'ITEM_VARIATION', id: '#red', itemVariationData: { name: 'Red', priceMoney: usd(1200), trackInventory: true } },
        ],
      },
    },
  });
  const ids = Object.fromEntries(idMappings!.map((m) => [m.clientObjectId!.slice(1), m.objectId!]));
  const change = (changes: Square.InventoryChange[], idempotencyKey = randomUUID()) =>
    client.inventory.batchCreateChanges({ idempotencyKey, changes });
  const count = (catalogObjectId: string, quantity: string, occurredAt = at()): Square.InventoryChange => ({
    type: 'PHYSICAL_COUNT',
    physicalCount: { catalogObjectId, state: 'IN_STOCK', locationId, quantity, occurredAt },
  });
  const adjust = (catalogObjectId: string, fromState: Square.InventoryState, toState: Square.InventoryState, quantity: string): Square.InventoryChange => ({
    type: 'ADJUSTMENT',
    adjustment: { catalogObjectId, fromState, toState, fromLocationId: locationId, toLocationId: locationId, quantity, occurredAt: at() },
  });
  return { token, client, locationId, ids, blue: ids.blue!, red: ids.red!, change, count, adjust };
}

describe('BatchChangeInventory', () => {
  it('sets counts with physical counts, moves stock with adjustments and announces the counts', async () => {
    const { blue, red, locationId, change, count, adjust } = await shop();
    const first = await change([count(blue, '10'), count(red, '2.5')]);
    expect(first.counts).toMatchObject([
      { catalogObjectId: blue, catalogObjectType: 'ITEM_VARIATION', state: 'IN_STOCK', locationId, quantity: '10', isEstimated: false },
      { catalogObjectId: red, state: 'IN_STOCK', quantity: '2.5' },
    ]);
    expect(first.changes![0]).toMatchObject({ type: 'PHYSICAL_COUNT', physicalCount: { id: expect.any(String), createdAt: expect.any(String) } });
    const second = await change([adjust(blue, 'IN_STOCK', 'WASTE', '3'), adjust(blue, 'NONE', 'IN_STOCK', '1')]);
    expect(second.counts!.map((c) => [c.state, c.quantity])).toEqual([
      ['IN_STOCK', '8'],
      ['WASTE', '3'],
    ]);
    const event = square.emulator.ctx.webhooks.events().filter((e) => e.type === 'inventory.count.updated').at(-1)!;
    expect(event.data).toMatchObject({ type: 'inventory_counts', object: { inventory_counts: [{ state: 'IN_STOCK', quantity: '8' }, { state: 'WASTE' }] } });
  });

  it('answers a repeated idempotency key with the first answer and changes nothing more', async () => {
    const { client, blue, change, adjust, count } = await shop();
    await change([count(blue, '5')]);
    const key = randomUUID();
    const body = [adjust(blue, 'IN_STOCK', 'WASTE', '1')];
    const once = await change(body, key);
    expect(await change(body, key)).toEqual(once);
    const counts = await client.inventory.get({ catalogObjectId: blue });
    expect(counts.data.find((c) => c.state === 'IN_STOCK')!.quantity).toBe('4');
  });

  it('refuses unknown objects and locations, non-variations, bad quantities, equal states, transfers and over 100 changes', async () => {
    const { token, ids, blue, locationId, change, count, adjust } = await shop();
    const refusal = async (changes: Square.InventoryChange[]) => failure(change(changes));
    expect(await refusal([count('MISSING', '1')])).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND', field: 'changes[0].physical_count.catalog_object_id' }] });
    expect(await refusal([count(ids.mug!, '1')])).toMatchObject({ status: 400, errors: [{ code: 'INVALID_VALUE' }] });
    expect(await refusal([count(blue, '-1')])).toMatchObject({ errors: [{ code: 'INVALID_VALUE', field: 'changes[0].physical_count.quantity' }] });
    expect(await refusal([count(blue, '1.123456')])).toMatchObject({ errors: [{ code: 'INVALID_VALUE' }] });
    expect(await refusal([adjust(blue, 'IN_STOCK', 'IN_STOCK', '1')])).toMatchObject({ errors: [{ code: 'INVALID_VALUE', field: 'changes[0].adjustment.to_state' }] });
    const elsewhere = { ...count(blue, '1'), physicalCount: { ...count(blue, '1').physicalCount, locationId: 'LNOWHERE' } };
    expect(await refusal([elsewhere])).toMatchObject({ status: 404, errors: [{ field: 'changes[0].physical_count.location_id' }] });
    expect(await refusal([{ type: 'ADJUSTMENT' }])).toMatchObject({ errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'changes[0].adjustment' }] });
    const post = (body: unknown) => square.raw('POST', '/v2/inventory/changes/batch-create', { token, body });
    // TRANSFER is Square-Version 2025-08-20's (square-versions.test.ts); the SDK's version has no such type.
    expect((await post({ idempotency_key: 'k', changes: [{ type: 'TRANSFER' }] })).body.errors[0]).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      field: 'changes[0].type',
    });
    expect((await post({ changes: [] })).body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'idempotency_key' });
    const many = Array.from({ length: 101 }, () => ({ type: 'PHYSICAL_COUNT', physical_count: { catalog_object_id: blue, state: 'IN_STOCK', location_id: locationId, quantity: '1', occurred_at: at() } }));
    expect((await post({ idempotency_key: 'k', changes: many })).body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_LONG' });
  });
});

describe('Request checks', () => {
  it('answers Square’s codes for unknown fields, wrong types, bad enums, long strings, missing details and malformed queries', async () => {
    const { token, blue, locationId } = await shop();
    const post = (path: string, body: unknown) => square.raw('POST', `/v2/inventory/${path}`, { token, body });
    const counted = { catalog_object_id: blue, state: 'IN_STOCK', location_id: locationId, quantity: '1', occurred_at: at() };
    const changeError = async (physical_count: Record<string, unknown>) =>
      (await post('changes/batch-create', { idempotency_key: randomUUID(), changes: [{ type: 'PHYSICAL_COUNT', physical_count }] })).body.errors[0];
    expect(await changeError({ ...counted, colour: 'blue' })).toMatchObject({ code: 'UNKNOWN_BODY_PARAMETER', field: 'changes[0].physical_count.colour' });
    expect(await changeError({ ...counted, quantity: 1 })).toMatchObject({ code: 'EXPECTED_STRING', field: 'changes[0].physical_count.quantity' });
    expect(await changeError({ ...counted, state: 'LOST' })).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'changes[0].physical_count.state' });
    expect(await changeError({ ...counted, reference_id: 'r'.repeat(256) })).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'changes[0].physical_count.reference_id' });
    expect(await changeError({ ...counted, occurred_at: undefined })).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'changes[0].physical_count.occurred_at' });
    expect(await changeError({ ...counted, occurred_at: 'today' })).toMatchObject({ code: 'INVALID_VALUE', field: 'changes[0].physical_count.occurred_at' });
    expect((await post('counts/batch-retrieve', { states: ['IN_STOCK'], sort: 'ASC' })).body.errors[0]).toMatchObject({ code: 'UNKNOWN_BODY_PARAMETER', field: 'sort' });
    expect((await post('counts/batch-retrieve', { limit: 0 })).body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'limit' });
    expect((await post('changes/batch-retrieve', { types: ['TRANSFER'] })).body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'types[0]' });
    expect((await post('changes/batch-retrieve', { updated_before: 'yesterday' })).body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'updated_before' });
    const twice = await square.raw('GET', `/v2/inventory/${blue}?location_ids=a&location_ids=b`, { token });
    expect(twice.body.errors[0]).toMatchObject({ code: 'EXPECTED_STRING', field: 'location_ids' });
  });
});

describe('BatchRetrieveInventoryCounts and RetrieveInventoryCount', () => {
  it('filters counts by object, location, state and update time, and pages with a cursor', async () => {
    const { client, blue, red, locationId, change, count, adjust } = await shop();
    await change([count(blue, '10'), count(red, '4'), adjust(blue, 'IN_STOCK', 'WASTE', '1')]);
    const counts = async (request: Square.BatchGetInventoryCountsRequest) => (await client.inventory.batchGetCounts(request)).data;
    expect((await counts({ catalogObjectIds: [blue] })).map((c) => c.state)).toEqual(['IN_STOCK', 'WASTE']);
    expect((await counts({ locationIds: [locationId], states: ['IN_STOCK'] })).map((c) => c.catalogObjectId)).toEqual([blue, red]);
    expect(await counts({ locationIds: ['LNOWHERE'] })).toEqual([]);
    expect(await counts({ updatedAfter: at(60_000) })).toEqual([]);
    const page = await client.inventory.batchGetCounts({ limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.hasNextPage()).toBe(true);
    expect((await page.getNextPage()).data).toHaveLength(1);
    expect(await failure(client.inventory.batchGetCounts({ limit: 1001 }))).toMatchObject({ status: 400, errors: [{ code: 'VALUE_TOO_HIGH' }] });
  });

  it('retrieves one variation’s counts, and NOT_FOUND for an object the catalog lacks', async () => {
    const { client, blue, change, count } = await shop();
    await change([count(blue, '7')]);
    expect((await client.inventory.get({ catalogObjectId: blue })).data).toMatchObject([{ state: 'IN_STOCK', quantity: '7' }]);
    expect(await failure(client.inventory.get({ catalogObjectId: 'MISSING' }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND' }] });
  });
});

describe('BatchRetrieveInventoryChanges, RetrieveInventoryChanges, adjustments and physical counts', () => {
  it('keeps the history of changes, filtered by type, state and object, and each change by id', async () => {
    const { client, blue, red, change, count, adjust } = await shop();
    const made = await change([count(blue, '5'), adjust(blue, 'IN_STOCK', 'WASTE', '2'), count(red, '1')]);
    const history = async (request: Square.BatchRetrieveInventoryChangesRequest) => (await client.inventory.batchGetChanges(request)).data;
    expect((await history({ catalogObjectIds: [blue] })).map((c) => c.type)).toEqual(['PHYSICAL_COUNT', 'ADJUSTMENT']);
    expect((await history({ types: ['ADJUSTMENT'] })).map((c) => c.adjustment!.toState)).toEqual(['WASTE']);
    expect(await history({ states: ['WASTE'] })).toHaveLength(1);
    expect(await history({ updatedBefore: at(-60_000) })).toEqual([]);
    expect((await client.inventory.changes({ catalogObjectId: red })).data).toHaveLength(1);
    const adjustmentId = made.changes![1]!.adjustment!.id!;
    expect((await client.inventory.getAdjustment({ adjustmentId })).adjustment).toEqual(made.changes![1]!.adjustment);
    const physicalCountId = made.changes![0]!.physicalCount!.id!;
    expect((await client.inventory.getPhysicalCount({ physicalCountId })).count).toEqual(made.changes![0]!.physicalCount);
    expect(await failure(client.inventory.getAdjustment({ adjustmentId: physicalCountId }))).toMatchObject({ status: 404 });
    expect(await failure(client.inventory.getPhysicalCount({ physicalCountId: 'nope' }))).toMatchObject({ status: 404 });
    expect(await failure(client.inventory.changes({ catalogObjectId: 'MISSING' }))).toMatchObject({ status: 404 });
    expect(await failure(client.inventory.batchGetChanges({ cursor: 'bogus' }))).toMatchObject({ errors: [{ code: 'INVALID_CURSOR' }] });
  });
});

describe('Selling tracked stock', () => {
  it('moves a paid order’s tracked line items from IN_STOCK to SOLD', async () => {
    const { client, blue, locationId, change, count } = await shop();
    await change([count(blue, '10')]);
    const { order } = await client.orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId, lineItems: [{ catalogObjectId: blue, quantity: '3' }, { name: 'Gift wrap', quantity: '1', basePriceMoney: usd(100) }] },
    });
    expect(order!.totalMoney).toEqual(usd(3700));
    // Creating an order sells nothing yet.
    expect((await client.inventory.get({ catalogObjectId: blue })).data[0]!.quantity).toBe('10');
    await client.payments.create({ sourceId: 'cnon:card-nonce-ok', idempotencyKey: randomUUID(), amountMoney: usd(3700), orderId: order!.id! });
    expect((await client.inventory.get({ catalogObjectId: blue })).data[0]!.quantity).toBe('7');
    const sale = (await client.inventory.batchGetChanges({ catalogObjectIds: [blue], types: ['ADJUSTMENT'] })).data;
    expect(sale).toMatchObject([{ adjustment: { fromState: 'IN_STOCK', toState: 'SOLD', quantity: '3', transactionId: order!.id } }]);
  });
});
