import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdjustInventoryDocument,
  CatalogItemLookupDocument,
  DeleteCatalogObjectDocument,
  InventoryLiveDocument,
  OrderLineVariationsDocument,
  StorefrontDocument,
  UpsertCatalogItemDocument,
} from '../../gql/graphql.js';
import { trackWebhooks } from '../../support/cache.js';
import { arrangeStorefront } from '../../support/catalog.js';
import { useGateway } from '../../support/gateway.js';
import { subscribeSse } from '../../support/sse.js';

describe('the catalog in the graph', () => {
  const stack = useGateway({ webhooks: true, cacheTtlMs: 600_000 });
  let locationId: string;
  let ids: Map<string, string>;
  let settled: () => Promise<string[]>;
  beforeAll(async () => {
    settled = trackWebhooks(stack);
    locationId = (await stack.square().locations.list()).locations![0]!.id!;
    ids = await arrangeStorefront(stack.square(), locationId, 50);
    await settled();
  });
  const storefront = () => stack.gql(StorefrontDocument, { first: 50, locationId });

  it('serves 50 items with variations, prices, stock, categories, images and modifiers in 3 Square calls cold and none warm', async () => {
    await stack.clearCalls();
    const { data, errors } = await storefront();
    expect(errors).toBeUndefined();
    const items = data!.catalogItems!.edges.map((e) => e.node);
    expect(items).toHaveLength(50);
    expect(items[0]).toMatchObject({
      squareId: ids.get('#item0'),
      name: 'Item 000',
      category: { name: 'Shop' },
      images: [{ url: 'https://images.example.com/0.jpg' }],
      modifierLists: [{ name: 'Milk', modifiers: [{ name: 'Oat', price: { amount: '75' } }] }],
      variations: [
        { name: 'Small', price: { amount: '300', currency: 'USD' }, inventory: [{ state: 'IN_STOCK', quantity: '12' }] },
        { name: 'Large', price: { amount: '400', currency: 'USD' }, inventory: [] },
      ],
    });
    // ListLocations names the seller for the cache, once per token for LOCATIONS_TTL_MS: not part of the storefront.
    const calls = (await stack.calls()).filter((c) => c !== 'GET /v2/locations');
    expect(calls.sort()).toEqual(['POST /v2/catalog/batch-retrieve', 'POST /v2/catalog/search-catalog-items', 'POST /v2/inventory/counts/batch-retrieve']);
    await stack.clearCalls();
    expect((await storefront()).data).toEqual(data);
    expect(await stack.calls()).toEqual([]);
  });

  it('serves new stock once Square’s inventory.count.updated arrives', async () => {
    await storefront();
    await stack.square().inventory.batchCreateChanges({
      idempotencyKey: randomUUID(),
      changes: [
        {
          type: 'ADJUSTMENT',
          adjustment: { catalogObjectId: ids.get('#s0')!, fromState: 'IN_STOCK', toState: 'WASTE', fromLocationId: locationId, toLocationId: locationId, quantity: '2', occurredAt: new Date().toISOString() },
        },
      ],
    });
    await expect
      .poll(async () => (await storefront()).data!.catalogItems!.edges[0]!.node.variations[0]!.inventory)
      .toContainEqual(expect.objectContaining({ state: 'IN_STOCK', quantity: '10' }));
  });

  it('pages by name, filters by text and looks an item up by global id or squareId', async () => {
    const page = await stack.gql(StorefrontDocument, { first: 20, after: null, locationId });
    const next = await stack.gql(StorefrontDocument, { first: 20, after: page.data!.catalogItems!.pageInfo.endCursor, locationId });
    expect(next.data!.catalogItems!.edges[0]!.node.name).toBe('Item 020');
    const found = await stack.gql(StorefrontDocument, { first: 5, filter: { text: 'Item 042' }, locationId });
    expect(found.data!.catalogItems!.edges.map((e) => e.node.name)).toEqual(['Item 042']);
    const globalId = page.data!.catalogItems!.edges[0]!.node.id;
    for (const id of [globalId, ids.get('#item0')!]) {
      const { data } = await stack.gql(CatalogItemLookupDocument, { id });
      expect(data!.catalogItem).toMatchObject({ id: globalId, name: 'Item 000', variations: [{ name: 'Small', item: { squareId: ids.get('#item0') } }, { name: 'Large' }] });
    }
    expect((await stack.gql(CatalogItemLookupDocument, { id: ids.get('#s0')! })).data!.catalogItem).toBeNull();
    const bad = await stack.gql(CatalogItemLookupDocument, { id: 'not an id!' });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('leads from an order line to the catalog variation it sold', async () => {
    const { order } = await stack.square().orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId, lineItems: [{ catalogObjectId: ids.get('#l3')!, quantity: '1' }, { name: 'Tip jar', quantity: '1', basePriceMoney: { amount: 100n, currency: 'USD' } }] },
    });
    const { data, errors } = await stack.gql(OrderLineVariationsDocument, { id: order!.id! });
    expect(errors).toBeUndefined();
    expect(data!.order!.lineItems).toEqual([
      { name: 'Item 003', catalogItemVariation: { name: 'Large', sku: null, item: { name: 'Item 003' } } },
      { name: 'Tip jar', catalogItemVariation: null },
    ]);
  });

  it('creates and changes an item with its variations, refusing a stale version, and adjusts its stock', async () => {
    const created = await stack.gql(UpsertCatalogItemDocument, {
      input: {
        idempotencyKey: randomUUID(),
        name: 'Zucchini bread',
        variations: [{ name: 'Slice', price: { amount: '450', currency: 'USD' }, trackInventory: true }],
      },
    });
    const result = created.data!.upsertCatalogItem!;
    if (result.__typename !== 'UpsertCatalogItemSuccess') throw new Error(JSON.stringify(created));
    const item = result.item;
    expect(item).toMatchObject({ name: 'Zucchini bread', variations: [{ name: 'Slice', price: { amount: '450' } }] });
    const slice = item.variations[0]!.squareId;
    const { object } = await stack.square().catalog.object.get({ objectId: item.squareId });
    const renamed = await stack.gql(UpsertCatalogItemDocument, {
      input: {
        idempotencyKey: randomUUID(),
        id: item.squareId,
        version: String(object!.version),
        name: 'Zucchini loaf',
        variations: [{ squareId: slice, name: 'Slice', price: { amount: '500', currency: 'USD' } }, { name: 'Whole loaf', price: { amount: '2400', currency: 'USD' } }],
      },
    });
    expect(renamed.data!.upsertCatalogItem).toMatchObject({ item: { name: 'Zucchini loaf', variations: [{ squareId: slice, price: { amount: '500' } }, { name: 'Whole loaf' }] } });
    const stale = await stack.gql(UpsertCatalogItemDocument, {
      input: { idempotencyKey: randomUUID(), id: item.squareId, version: String(object!.version), name: 'Stale', variations: [{ name: 'Slice' }] },
    });
    expect(stale.data!.upsertCatalogItem!.__typename).toBe('ConflictError');

    const adjust = (quantity: string, fromState = 'NONE') =>
      stack.gql(AdjustInventoryDocument, { input: { idempotencyKey: randomUUID(), variationId: slice, locationId, fromState, toState: 'IN_STOCK', quantity } });
    expect((await adjust('6')).data!.adjustInventory).toMatchObject({ __typename: 'AdjustInventorySuccess', counts: [{ state: 'IN_STOCK', quantity: '6' }] });
    expect((await adjust('-1')).data!.adjustInventory!.__typename).toBe('ValidationError');
    const missing = await stack.gql(AdjustInventoryDocument, {
      input: { idempotencyKey: randomUUID(), variationId: 'MISSING', locationId, fromState: 'NONE', toState: 'IN_STOCK', quantity: '1' },
    });
    expect(missing.data!.adjustInventory!.__typename).toBe('NotFoundError');
  });

  it('deletes an item with its variations, and reports a missing or malformed id as typed errors', async () => {
    const created = await stack.gql(UpsertCatalogItemDocument, {
      input: { idempotencyKey: randomUUID(), name: 'Scone', variations: [{ name: 'Plain' }, { name: 'Cheese' }] },
    });
    const result = created.data!.upsertCatalogItem!;
    if (result.__typename !== 'UpsertCatalogItemSuccess') throw new Error(JSON.stringify(created));
    const { squareId, variations } = result.item;
    expect((await stack.gql(CatalogItemLookupDocument, { id: squareId })).data!.catalogItem).toMatchObject({ name: 'Scone' });

    const deleted = await stack.gql(DeleteCatalogObjectDocument, { input: { id: squareId } });
    const outcome = deleted.data!.deleteCatalogObject!;
    if (outcome.__typename !== 'DeleteCatalogObjectSuccess') throw new Error(JSON.stringify(deleted));
    const [first, ...dependants] = outcome.deletedIds;
    expect(first).toBe(squareId);
    expect(dependants.sort()).toEqual(variations.map((v) => v.squareId).sort());
    expect((await stack.gql(CatalogItemLookupDocument, { id: squareId })).data!.catalogItem).toBeNull();
    await expect(stack.square().catalog.object.get({ objectId: variations[0]!.squareId })).rejects.toMatchObject({ statusCode: 404 });

    const again = await stack.gql(DeleteCatalogObjectDocument, { input: { id: squareId } });
    expect(again.data!.deleteCatalogObject).toMatchObject({ __typename: 'NotFoundError' });
    const malformed = await stack.gql(DeleteCatalogObjectDocument, { input: { id: 'not an id!' } });
    expect(malformed.data!.deleteCatalogObject).toMatchObject({ __typename: 'ValidationError' });
  });

  it('streams one variation’s stock at one location as Square’s inventory.count.updated arrives', async () => {
    const watched = ids.get('#s1')!;
    const live = await subscribeSse(stack.url, print(InventoryLiveDocument), { locationId, catalogItemVariationId: watched });
    try {
      const waste = (variationId: string, quantity: string) =>
        stack.square().inventory.batchCreateChanges({
          idempotencyKey: randomUUID(),
          changes: [
            {
              type: 'ADJUSTMENT',
              adjustment: { catalogObjectId: variationId, fromState: 'IN_STOCK', toState: 'WASTE', fromLocationId: locationId, toLocationId: locationId, quantity, occurredAt: new Date().toISOString() },
            },
          ],
        });
      // Another variation's change is not delivered: the first message is the watched one's.
      await waste(ids.get('#s2')!, '5');
      await waste(watched, '3');
      const next = await live.next();
      expect(next.errors).toBeUndefined();
      expect(next.data!.inventoryCountUpdated).toEqual(
        expect.arrayContaining([
          { state: 'IN_STOCK', quantity: '9' },
          { state: 'WASTE', quantity: '3' },
        ]),
      );
      expect(await live.drain(300)).toEqual([]);
    } finally {
      live.close();
    }
  });
});
