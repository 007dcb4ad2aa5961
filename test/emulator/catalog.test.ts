import { randomUUID } from 'node:crypto';
import type { Square } from 'square';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { failure, newToken, usd } from '../support/fixtures.js';

const square = useEmulator();

type Item = Square.CatalogObject.Item;
type Variation = Square.CatalogObject.ItemVariation;

const variation = (id: string, name: string, cents: number, extra: Partial<Square.CatalogItemVariation> = {}): Variation => ({
  type: 'ITEM_VARIATION',
  id,
  itemVariationData: { name, priceMoney: usd(cents), pricingType: 'FIXED_PRICING', ...extra },
});

/** A merchant with a small café catalog: two categories, a tax, a discount, a milk modifier list, two items. */
async function cafe() {
  const token = newToken();
  const client = square.client(token);
  const locationId = (await client.locations.list()).locations![0]!.id!;
  const { objects, idMappings } = await client.catalog.batchUpsert({
    idempotencyKey: randomUUID(),
    batches: [
      {
        objects: [
          { type: 'CATEGORY', id: '#drinks', categoryData: { name: 'Drinks' } },
          { type: 'CATEGORY', id: '#food', categoryData: { name: 'Food' } },
          { type: 'TAX', id: '#tax', taxData: { name: 'Sales tax', percentage: '10', inclusionType: 'ADDITIVE' } },
          { type: 'DISCOUNT', id: '#staff', discountData: { name: 'Staff', discountType: 'FIXED_PERCENTAGE', percentage: '50' } },
          {
            type: 'MODIFIER_LIST',
            id: '#milk',
            modifierListData: {
              name: 'Milk',
              modifiers: [
                { type: 'MODIFIER', id: '#oat', modifierData: { name: 'Oat milk', priceMoney: usd(75) } },
                { type: 'MODIFIER', id: '#whole', modifierData: { name: 'Whole milk', priceMoney: usd(0) } },
              ],
            },
          },
          {
            type: 'ITEM',
            id: '#latte',
            itemData: {
              name: 'Latte',
              description: 'Espresso with steamed milk',
              categories: [{ id: '#drinks' }],
              taxIds: ['#tax'],
              modifierListInfo: [{ modifierListId: '#milk' }],
              variations: [variation('#latte-s', 'Small', 400, { sku: 'LAT-S', trackInventory: true }), variation('#latte-l', 'Large', 500)],
            },
          },
          {
            type: 'ITEM',
            id: '#croissant',
            itemData: { name: 'Croissant', categories: [{ id: '#food' }], variations: [variation('#croissant-r', 'Regular', 350)] },
          },
        ],
      },
    ],
  });
  const ids = Object.fromEntries(idMappings!.map((m) => [m.clientObjectId!.slice(1), m.objectId!]));
  return { token, client, locationId, objects: objects!, ids };
}

describe('UpsertCatalogObject and BatchUpsertCatalogObjects', () => {
  it('creates objects with generated ids, maps #temporary ids everywhere and nests variations under their item', async () => {
    const { objects, ids } = await cafe();
    expect(Object.keys(ids).sort()).toEqual(
      ['croissant', 'croissant-r', 'drinks', 'food', 'latte', 'latte-l', 'latte-s', 'milk', 'oat', 'staff', 'tax', 'whole'].sort(),
    );
    for (const id of Object.values(ids)) expect(id).toMatch(/^[A-Z0-9]{24}$/);
    const latte = objects.find((o) => o.id === ids.latte) as Item;
    expect(latte).toMatchObject({
      type: 'ITEM',
      isDeleted: false,
      presentAtAllLocations: true,
      itemData: { name: 'Latte', categories: [{ id: ids.drinks }], taxIds: [ids.tax], modifierListInfo: [{ modifierListId: ids.milk }] },
    });
    expect(typeof latte.version).toBe('bigint');
    expect(latte.itemData!.variations!.map((v) => [v.id, (v as Variation).itemVariationData!.itemId])).toEqual([
      [ids['latte-s'], ids.latte],
      [ids['latte-l'], ids.latte],
    ]);
    const events = square.emulator.ctx.webhooks.events().filter((e) => e.type === 'catalog.version.updated');
    expect(events.at(-1)).toMatchObject({ data: { type: 'catalog_version', object: { catalog_version: { updated_at: expect.any(String) } } } });
  });

  it('updates at the latest version only, refusing a stale one, and drops variations the item no longer lists', async () => {
    const { client, ids } = await cafe();
    const latte = (await client.catalog.object.get({ objectId: ids.latte! })).object as Item;
    const [small] = latte.itemData!.variations!;
    const updated = (
      await client.catalog.object.upsert({
        idempotencyKey: randomUUID(),
        object: { ...latte, itemData: { ...latte.itemData, name: 'Caffè latte', variations: [small!] } },
      })
    ).catalogObject as Item;
    expect(updated.version! > latte.version!).toBe(true);
    expect(updated.itemData).toMatchObject({ name: 'Caffè latte', variations: [{ id: ids['latte-s'] }] });
    expect((await client.catalog.batchGet({ objectIds: [ids['latte-l']!] })).objects).toBeUndefined();

    const stale = await failure(
      client.catalog.object.upsert({ idempotencyKey: randomUUID(), object: { ...latte, itemData: { name: 'Stale' } } }),
    );
    // Square's answer to a stale catalog version: 400 VERSION_MISMATCH, not the 409 CONFLICT of customers and orders.
    expect(stale).toMatchObject({ status: 400, errors: [{ code: 'VERSION_MISMATCH', field: 'object.version' }] });
  });

  it("versions objects as Square does, by the change's time in milliseconds, increasing at every change, and keeps created_at", async () => {
    const { client, ids } = await cafe();
    const before = BigInt(Date.now()) - 60_000n;
    const tax = (await client.catalog.object.get({ objectId: ids.tax! })).object as Square.CatalogObject.Tax & { created_at?: string };
    expect(tax.version! > before).toBe(true);
    expect(tax.created_at).toBe(tax.updatedAt);
    const changed = async (name: string, from: Square.CatalogObject.Tax) =>
      (await client.catalog.object.upsert({ idempotencyKey: randomUUID(), object: { ...from, taxData: { ...from.taxData, name } } }))
        .catalogObject as Square.CatalogObject.Tax & { created_at?: string };
    const first = await changed('VAT', tax);
    const second = await changed('Sales tax', first);
    expect(first.version! > tax.version!).toBe(true);
    expect(second.version! > first.version!).toBe(true);
    expect(second.created_at).toBe(tax.created_at);
  });

  it('answers the same idempotency key with the same objects and refuses it for another request', async () => {
    const { client } = await cafe();
    const key = randomUUID();
    const object: Square.CatalogObject = { type: 'CATEGORY', id: '#tea', categoryData: { name: 'Tea' } };
    const first = await client.catalog.object.upsert({ idempotencyKey: key, object });
    expect(await client.catalog.object.upsert({ idempotencyKey: key, object })).toEqual(first);
    const reused = await failure(client.catalog.object.upsert({ idempotencyKey: key, object: { ...object, categoryData: { name: 'Other' } } }));
    expect(reused).toMatchObject({ status: 400, errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }] });
  });

  it('refuses unknown ids, dangling references, missing prices and batches over the limits', async () => {
    const { client, token, ids } = await cafe();
    const upsert = (object: Square.CatalogObject) => failure(client.catalog.object.upsert({ idempotencyKey: randomUUID(), object }));
    expect(await upsert({ type: 'CATEGORY', id: 'NOPE', categoryData: { name: 'x' } })).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'object.id' }],
    });
    expect(await upsert({ type: 'ITEM', id: '#i', itemData: { name: 'x', taxIds: [ids.drinks!] } })).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_VALUE', field: 'object.item_data.tax_ids[0]' }],
    });
    expect(await upsert({ type: 'ITEM', id: '#i', itemData: { name: 'x', variations: [{ type: 'ITEM_VARIATION', id: '#v', itemVariationData: { pricingType: 'FIXED_PRICING' } }] } })).toMatchObject({
      status: 400,
      errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'object.item_data.variations[0].item_variation_data.price_money' }],
    });
    expect(await upsert({ type: 'DISCOUNT', id: '#d', discountData: { name: 'x' } })).toMatchObject({
      errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'object.discount_data.discount_type' }],
    });
    expect(await upsert({ type: 'CATEGORY', id: '#c' })).toMatchObject({ errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'object.category_data' }] });
    const raw = (body: unknown) => square.raw('POST', '/v2/catalog/batch-upsert', { token, body });
    const many = Array.from({ length: 1001 }, (_, i) => ({ type: 'CATEGORY', id: `#c${i}`, category_data: { name: `c${i}` } }));
    expect((await raw({ idempotency_key: 'k', batches: [{ objects: many }] })).body.errors[0]).toMatchObject({
      code: 'ARRAY_LENGTH_TOO_LONG',
      field: 'batches[0].objects',
    });
    expect((await raw({ idempotency_key: 'k', batches: [] })).body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_SHORT' });
    // PRICING_RULE is one of Square's types, so its schema takes it; the emulator keeps no pricing rules and says so.
    expect((await raw({ idempotency_key: 'k', batches: [{ objects: [{ type: 'PRICING_RULE', id: '#p' }] }] })).body.errors[0]).toMatchObject({
      code: 'INVALID_VALUE',
      field: 'batches[0].objects[0].type',
    });
    expect((await raw({ idempotency_key: 'k', batches: [{ objects: [{ type: 'WIDGET', id: '#w' }] }] })).body.errors[0]).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      field: 'batches[0].objects[0].type',
    });
  });
});

describe('Request checks', () => {
  it('answers Square’s codes for unknown fields, wrong types, bad enums, long strings and malformed queries', async () => {
    const { token, ids } = await cafe();
    const post = (path: string, body: unknown) => square.raw('POST', `/v2/catalog/${path}`, { token, body });
    const upsert = async (object: unknown) => (await post('object', { idempotency_key: randomUUID(), object })).body.errors[0];
    const item = (itemData: Record<string, unknown>) => ({ type: 'ITEM', id: '#i', item_data: { name: 'Tea', ...itemData } });
    expect(await upsert(item({ colour: 'green' }))).toMatchObject({ code: 'UNKNOWN_BODY_PARAMETER', field: 'object.item_data.colour' });
    expect(await upsert({ ...item({}), version: 'latest' })).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'object.version' });
    expect(await upsert(item({ name: 7 }))).toMatchObject({ code: 'EXPECTED_STRING', field: 'object.item_data.name' });
    expect(await upsert(item({ product_type: 'GADGET' }))).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'object.item_data.product_type' });
    expect(await upsert(item({ abbreviation: 'a'.repeat(25) }))).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'object.item_data.abbreviation' });
    const longVariation = { type: 'ITEM_VARIATION', id: '#v', item_variation_data: { name: 'Cup', user_data: 'u'.repeat(256) } };
    const batch = await post('batch-upsert', { idempotency_key: randomUUID(), batches: [{ objects: [item({ variations: [longVariation] })] }] });
    expect(batch.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'batches[0].objects[0].item_data.variations[0].item_variation_data.user_data' });
    expect((await post('batch-retrieve', { object_ids: [ids.drinks], include_related_objects: 'yes' })).body.errors[0]).toMatchObject({
      code: 'EXPECTED_BOOLEAN',
      field: 'include_related_objects',
    });
    expect((await post('object', { idempotency_key: randomUUID(), object: { id: '#untyped' } })).body.errors[0]).toMatchObject({
      code: 'MISSING_REQUIRED_PARAMETER',
      field: 'object.type',
    });
    expect((await post('search', { object_types: ['WIDGET'] })).body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'object_types[0]' });
    expect((await post('search', { query: { range_query: { attribute_name: 'price' } } })).body.errors[0]).toMatchObject({
      code: 'INVALID_VALUE',
      field: 'query.range_query',
    });
    expect((await post('search', { begin_time: 'last week' })).body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'begin_time' });
    expect((await post('search-catalog-items', { stock_levels: ['NONE'] })).body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'stock_levels[0]' });
    expect((await post('search-catalog-items', { text: 'tea' })).body.errors[0]).toMatchObject({ code: 'UNKNOWN_BODY_PARAMETER', field: 'text' });
    expect((await post('search-catalog-items', { custom_attribute_filters: [{ key: 'origin', string_filter: 'Kenya' }] })).body.errors[0]).toMatchObject({
      code: 'INVALID_VALUE',
      field: 'custom_attribute_filters',
    });
    const get = (path: string) => square.raw('GET', `/v2/catalog/${path}`, { token });
    expect((await get(`object/${ids.drinks}?include_related_objects=yes`)).body.errors[0]).toMatchObject({
      code: 'EXPECTED_BOOLEAN',
      field: 'include_related_objects',
    });
    expect((await get('list?catalog_version=latest')).body.errors[0]).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'catalog_version' });
  });
});

describe('RetrieveCatalogObject, BatchRetrieveCatalogObjects and ListCatalog', () => {
  it('retrieves an item with its related categories, taxes and modifier lists, and a variation with its item', async () => {
    const { client, ids } = await cafe();
    const { object, relatedObjects } = await client.catalog.object.get({ objectId: ids.latte!, includeRelatedObjects: true });
    expect(object).toMatchObject({ id: ids.latte, type: 'ITEM' });
    expect(relatedObjects!.map((o) => o.id).sort()).toEqual([ids.drinks, ids.tax, ids.milk].sort());
    const milk = relatedObjects!.find((o) => o.id === ids.milk) as Square.CatalogObject.ModifierList;
    expect(milk.modifierListData!.modifiers!.map((m) => m.id)).toEqual([ids.oat, ids.whole]);
    const small = await client.catalog.object.get({ objectId: ids['latte-s']!, includeRelatedObjects: true });
    expect(small.relatedObjects!.map((o) => o.id)).toEqual([ids.latte]);
    expect((await client.catalog.object.get({ objectId: ids.latte! })).relatedObjects).toBeUndefined();
    expect(await failure(client.catalog.object.get({ objectId: 'MISSING' }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND' }] });
  });

  it('batch-retrieves the ids it knows, deleted ones only when asked', async () => {
    const { client, ids } = await cafe();
    await client.catalog.object.delete({ objectId: ids.croissant! });
    const found = await client.catalog.batchGet({ objectIds: [ids.latte!, ids.croissant!, 'MISSING'], includeRelatedObjects: true });
    expect(found.objects!.map((o) => o.id)).toEqual([ids.latte]);
    expect(found.relatedObjects!.length).toBe(3);
    const withDeleted = await client.catalog.batchGet({ objectIds: [ids.croissant!], includeDeletedObjects: true });
    expect(withDeleted.objects).toMatchObject([{ id: ids.croissant, isDeleted: true, itemData: { variations: [{ id: ids['croissant-r'], isDeleted: true }] } }]);
    expect(await failure(client.catalog.batchGet({ objectIds: [] }))).toMatchObject({ status: 400, errors: [{ code: 'ARRAY_LENGTH_TOO_SHORT' }] });
  });

  it('lists top-level objects by type, 100 a page with a cursor', async () => {
    const { client, token } = await cafe();
    const categories = Array.from({ length: 120 }, (_, i) => ({ type: 'CATEGORY' as const, id: `#c${i}`, categoryData: { name: `Cat ${i}` } }));
    await client.catalog.batchUpsert({ idempotencyKey: randomUUID(), batches: [{ objects: categories }] });
    const first = await square.raw('GET', '/v2/catalog/list?types=category', { token });
    expect(first.body.objects).toHaveLength(100);
    const second = await square.raw('GET', `/v2/catalog/list?types=CATEGORY&cursor=${first.body.cursor}`, { token });
    expect(second.body.objects).toHaveLength(22);
    expect(second.body.cursor).toBeUndefined();
    const all: string[] = [];
    for await (const object of await client.catalog.list({ types: 'ITEM,TAX' })) all.push(object.type);
    expect(all.sort()).toEqual(['ITEM', 'ITEM', 'TAX']);
    const variations = await client.catalog.list({ types: 'ITEM_VARIATION' });
    expect(variations.data).toHaveLength(3);
    expect(await failure(client.catalog.list({ types: 'ITEM', cursor: 'bogus' }))).toMatchObject({ status: 400, errors: [{ code: 'INVALID_CURSOR' }] });
  });

  it('publishes its limits', async () => {
    const { limits } = await square.client().catalog.info();
    expect(limits).toMatchObject({ batchUpsertMaxObjectsPerBatch: 1000, batchDeleteMaxObjectIds: 200, searchMaxPageLimit: 1000 });
  });
});

describe('SearchCatalogObjects', () => {
  it('finds objects by type and by text, prefix, exact, set and item-for-tax queries', async () => {
    const { client, ids } = await cafe();
    const search = async (request: Square.SearchCatalogObjectsRequest) => ((await client.catalog.search(request)).objects ?? []).map((o) => o.id);
    expect((await search({ objectTypes: ['CATEGORY'] })).sort()).toEqual([ids.drinks, ids.food].sort());
    expect(await search({ objectTypes: ['ITEM'], query: { textQuery: { keywords: ['steamed', 'espresso'] } } })).toEqual([ids.latte]);
    expect(await search({ query: { prefixQuery: { attributeName: 'name', attributePrefix: 'cro' } } })).toEqual([ids.croissant]);
    expect(await search({ objectTypes: ['ITEM_VARIATION'], query: { exactQuery: { attributeName: 'sku', attributeValue: 'lat-s' } } })).toEqual([ids['latte-s']]);
    expect((await search({ query: { setQuery: { attributeName: 'name', attributeValues: ['drinks', 'FOOD'] } } })).sort()).toEqual([ids.drinks, ids.food].sort());
    expect(await search({ query: { itemsForTaxQuery: { taxIds: [ids.tax!] } } })).toEqual([ids.latte]);
    expect(await search({ objectTypes: ['ITEM'], query: { sortedAttributeQuery: { attributeName: 'name', sortOrder: 'DESC' } } })).toEqual([ids.latte, ids.croissant]);
  });

  it('pages, includes related and deleted objects when asked, and reports the latest time', async () => {
    const { client, ids } = await cafe();
    const first = await client.catalog.search({ objectTypes: ['ITEM', 'CATEGORY'], limit: 2, includeRelatedObjects: true });
    expect(first.objects).toHaveLength(2);
    expect(first.cursor).toBeDefined();
    expect(first.latestTime).toBeDefined();
    const rest = await client.catalog.search({ objectTypes: ['ITEM', 'CATEGORY'], limit: 2, includeRelatedObjects: true, cursor: first.cursor! });
    expect(rest.objects).toHaveLength(2);
    expect(rest.relatedObjects!.map((o) => o.id)).toContain(ids.tax);
    await client.catalog.object.delete({ objectId: ids.food! });
    expect((await client.catalog.search({ objectTypes: ['CATEGORY'] })).objects!.map((o) => o.id)).toEqual([ids.drinks]);
    expect((await client.catalog.search({ objectTypes: ['CATEGORY'], includeDeletedObjects: true })).objects).toHaveLength(2);
  });

  it('refuses two expressions at once, a bad cursor and too many keywords', async () => {
    const { client } = await cafe();
    const twice = client.catalog.search({ query: { prefixQuery: { attributeName: 'name', attributePrefix: 'a' }, textQuery: { keywords: ['abc'] } } });
    expect(await failure(twice)).toMatchObject({ status: 400, errors: [{ code: 'INVALID_VALUE', field: 'query' }] });
    expect(await failure(client.catalog.search({ cursor: 'nope' }))).toMatchObject({ errors: [{ code: 'INVALID_CURSOR' }] });
    expect(await failure(client.catalog.search({ query: { textQuery: { keywords: ['a', 'b', 'c', 'd'] } } }))).toMatchObject({
      errors: [{ code: 'ARRAY_LENGTH_TOO_LONG' }],
    });
  });
});

describe('SearchCatalogItems', () => {
  it('filters by text (also in variations), category, location and product type, sorted by name', async () => {
    const { client, ids, locationId } = await cafe();
    const items = async (request: Square.SearchCatalogItemsRequest) => ((await client.catalog.searchItems(request)).items ?? []).map((o) => o.id);
    expect(await items({})).toEqual([ids.croissant, ids.latte]);
    expect(await items({ sortOrder: 'DESC' })).toEqual([ids.latte, ids.croissant]);
    expect(await items({ textFilter: 'LAT-S' })).toEqual([ids.latte]);
    expect(await items({ categoryIds: [ids.food!] })).toEqual([ids.croissant]);
    expect(await items({ enabledLocationIds: [locationId] })).toHaveLength(2);
    const croissant = (await client.catalog.object.get({ objectId: ids.croissant! })).object!;
    await client.catalog.object.upsert({ idempotencyKey: randomUUID(), object: { ...croissant, absentAtLocationIds: [locationId] } });
    expect(await items({ enabledLocationIds: [locationId] })).toEqual([ids.latte]);
    expect(await items({ productTypes: ['REGULAR'] })).toHaveLength(2);
    expect(await items({ productTypes: ['EVENT'] })).toEqual([]);
    const paged = await client.catalog.searchItems({ limit: 1, sortOrder: 'DESC' });
    expect((await client.catalog.searchItems({ limit: 1, cursor: paged.cursor!, sortOrder: 'DESC' })).items!.map((i) => i.id)).toEqual([ids.croissant]);
  });

  it('finds tracked variations out of stock or low, and refuses a limit over 100', async () => {
    const { client, ids, locationId } = await cafe();
    const out = await client.catalog.searchItems({ stockLevels: ['OUT'] });
    expect(out.items!.map((i) => i.id)).toEqual([ids.latte]);
    expect(out.matchedVariationIds).toEqual([ids['latte-s']]);
    await client.inventory.batchCreateChanges({
      idempotencyKey: randomUUID(),
      changes: [{ type: 'PHYSICAL_COUNT', physicalCount: { catalogObjectId: ids['latte-s']!, state: 'IN_STOCK', locationId, quantity: '3', occurredAt: new Date().toISOString() } }],
    });
    expect((await client.catalog.searchItems({ stockLevels: ['OUT'] })).items).toBeUndefined();
    expect(await failure(client.catalog.searchItems({ limit: 101 }))).toMatchObject({ status: 400, errors: [{ code: 'VALUE_TOO_HIGH', field: 'limit' }] });
  });
});

describe('DeleteCatalogObject and BatchDeleteCatalogObjects', () => {
  it('deletes an item with its variations and answers NOT_FOUND after', async () => {
    const { client, ids } = await cafe();
    const deleted = await client.catalog.object.delete({ objectId: ids.latte! });
    expect(deleted.deletedObjectIds!.sort()).toEqual([ids.latte, ids['latte-s'], ids['latte-l']].sort());
    expect(deleted.deletedAt).toBeDefined();
    expect(await failure(client.catalog.object.get({ objectId: ids['latte-s']! }))).toMatchObject({ status: 404 });
    expect(await failure(client.catalog.object.delete({ objectId: ids.latte! }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND' }] });
  });

  it('batch-deletes the ids it knows, none or at most 200', async () => {
    const { client, ids } = await cafe();
    const deleted = await client.catalog.batchDelete({ objectIds: [ids.milk!, ids.tax!, 'MISSING'] });
    expect(deleted.deletedObjectIds!.sort()).toEqual([ids.milk, ids.oat, ids.whole, ids.tax].sort());
    // Square sets no minimum: a client clearing a catalog that is already empty sends no ids.
    expect((await client.catalog.batchDelete({ objectIds: [] })).deletedObjectIds).toBeUndefined();
    const tooMany = Array.from({ length: 201 }, (_, i) => `id${i}`);
    expect(await failure(client.catalog.batchDelete({ objectIds: tooMany }))).toMatchObject({ status: 400, errors: [{ code: 'ARRAY_LENGTH_TOO_LONG' }] });
  });
});

describe('Orders priced from the catalog', () => {
  it('takes names and prices from variations and modifiers, and rates from catalog taxes and discounts', async () => {
    const { client, ids, locationId } = await cafe();
    const { order } = await client.orders.create({
      idempotencyKey: randomUUID(),
      order: {
        locationId,
        lineItems: [
          { catalogObjectId: ids['latte-l']!, quantity: '2', modifiers: [{ catalogObjectId: ids.oat! }] },
          { catalogObjectId: ids['croissant-r']!, quantity: '1' },
        ],
        taxes: [{ uid: 'tax', catalogObjectId: ids.tax!, scope: 'ORDER' }],
        discounts: [{ uid: 'staff', catalogObjectId: ids.staff!, scope: 'ORDER' }],
      },
    });
    expect(order!.lineItems).toMatchObject([
      { name: 'Latte', variationName: 'Large', basePriceMoney: usd(500), grossSalesMoney: usd(1150) },
      { name: 'Croissant', variationName: 'Regular', basePriceMoney: usd(350) },
    ]);
    expect(order!.lineItems![0]!.modifiers).toMatchObject([{ name: 'Oat milk', basePriceMoney: usd(75) }]);
    expect(order!.taxes).toMatchObject([{ name: 'Sales tax', percentage: '10', type: 'ADDITIVE' }]);
    expect(order!.discounts).toMatchObject([{ name: 'Staff', type: 'FIXED_PERCENTAGE', percentage: '50' }]);
    // (1150 + 350) × 50% = 750, plus 10% tax = 825.
    expect(order!.totalMoney).toEqual(usd(825));
  });

  it('answers NOT_FOUND for a catalog id that is not a variation', async () => {
    const { client, ids, locationId } = await cafe();
    const create = (catalogObjectId: string) =>
      failure(client.orders.create({ idempotencyKey: randomUUID(), order: { locationId, lineItems: [{ catalogObjectId, quantity: '1' }] } }));
    expect(await create(ids.latte!)).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND', field: 'order.line_items[0].catalog_object_id' }] });
    expect(await create('MISSING')).toMatchObject({ status: 404 });
  });
});

describe('UpdateItemTaxes and UpdateItemModifierLists', () => {
  it('enables and disables taxes on items in one new version, as Square\'s SDK suite calls it', async () => {
    const { client, ids } = await cafe();
    const { catalogObject: vat } = await client.catalog.object.upsert({
      idempotencyKey: randomUUID(),
      object: { type: 'TAX', id: '#vat', taxData: { name: 'VAT', percentage: '20' } },
    });
    const before = (await client.catalog.object.get({ objectId: ids.croissant! })).object as Item;
    const { updatedAt } = await client.catalog.updateItemTaxes({ itemIds: [ids.croissant!, ids.latte!], taxesToEnable: [vat!.id!], taxesToDisable: [ids.tax!] });
    expect(updatedAt).toBeDefined();
    const { objects } = await client.catalog.batchGet({ objectIds: [ids.croissant!, ids.latte!] });
    expect(objects!.map((o) => (o as Item).itemData!.taxIds)).toEqual([[vat!.id], [vat!.id]]);
    const croissant = objects![0] as Item;
    expect(croissant.version! > before.version!).toBe(true);
    expect(croissant.updatedAt).toBe(updatedAt);
    // Its variations stay as they were.
    expect(croissant.itemData!.variations).toEqual(before.itemData!.variations);
  });

  it('enables modifier lists on items (adding them) and disables them (keeping the item\'s settings)', async () => {
    const { client, ids } = await cafe();
    const { updatedAt } = await client.catalog.updateItemModifierLists({ itemIds: [ids.croissant!], modifierListsToEnable: [ids.milk!] });
    expect(updatedAt).toBeDefined();
    const info = async (id: string) => ((await client.catalog.object.get({ objectId: id })).object as Item).itemData!.modifierListInfo;
    expect(await info(ids.croissant!)).toEqual([{ modifierListId: ids.milk, enabled: true }]);
    await client.catalog.updateItemModifierLists({ itemIds: [ids.croissant!, ids.latte!], modifierListsToDisable: [ids.milk!] });
    expect(await info(ids.latte!)).toEqual([{ modifierListId: ids.milk, enabled: false }]);
    await client.catalog.updateItemModifierLists({ itemIds: [ids.latte!], modifierListsToEnable: [ids.milk!] });
    expect(await info(ids.latte!)).toEqual([{ modifierListId: ids.milk, enabled: true }]);
  });

  it('refuses unknown items, ids of the wrong type, a call that changes nothing and lists over CatalogInfo\'s limits', async () => {
    const { client, ids } = await cafe();
    expect(await failure(client.catalog.updateItemTaxes({ itemIds: ['MISSING'], taxesToEnable: [ids.tax!] }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'item_ids[0]' }],
    });
    expect(await failure(client.catalog.updateItemTaxes({ itemIds: [ids.latte!], taxesToEnable: [ids.staff!] }))).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_VALUE', field: 'taxes_to_enable[0]' }],
    });
    expect(await failure(client.catalog.updateItemModifierLists({ itemIds: [ids.latte!], modifierListsToDisable: [ids.tax!] }))).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_VALUE', field: 'modifier_lists_to_disable[0]' }],
    });
    expect(await failure(client.catalog.updateItemTaxes({ itemIds: [ids.latte!] }))).toMatchObject({
      status: 400,
      errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'taxes_to_enable' }],
    });
    const tooMany = Array.from({ length: 1001 }, (_, i) => `id${i}`);
    expect(await failure(client.catalog.updateItemModifierLists({ itemIds: tooMany, modifierListsToEnable: [ids.milk!] }))).toMatchObject({
      status: 400,
      errors: [{ code: 'ARRAY_LENGTH_TOO_LONG', field: 'item_ids' }],
    });
  });
});

describe('CreateCatalogImage and UpdateCatalogImage', () => {
  const jpeg = (text = 'a small picture') => new Blob([Buffer.from(text)], { type: 'image/jpeg' });

  it('uploads an image as multipart, as Square\'s SDK suite does, attaching it to an item last or first', async () => {
    const { client, ids } = await cafe();
    const create = (objectId: string | undefined, isPrimary?: boolean) =>
      client.catalog.images.create({
        imageFile: jpeg(),
        request: { idempotencyKey: randomUUID(), objectId, isPrimary, image: { type: 'IMAGE', id: `#${randomUUID()}`, imageData: { name: 'Latte art' } } },
      });
    const { image } = await create(ids.latte);
    expect(image).toMatchObject({ type: 'IMAGE', imageData: { name: 'Latte art', url: expect.stringMatching(/^https:\/\/.+\.jpeg$/) } });
    expect(image!.id).toMatch(/^[A-Z0-9]{24}$/);
    const primary = (await create(ids.latte, true)).image!;
    const latte = (await client.catalog.object.get({ objectId: ids.latte! })).object as Item;
    expect(latte.itemData!.imageIds).toEqual([primary.id, image!.id]);
    expect(latte.version).toBe(primary.version);
    const unattached = (await create(undefined)).image!;
    expect((await client.catalog.object.get({ objectId: unattached.id! })).object).toMatchObject({ type: 'IMAGE' });
    // The SDK suite's cleanup deletes the item and the image together.
    const deleted = await client.catalog.batchDelete({ objectIds: [ids.latte!, image!.id!] });
    expect(deleted.deletedObjectIds).toContain(image!.id);
  });

  it('replaces the file of an image, answering the same image at a new version; the same key answers the first upload again', async () => {
    const { client, ids } = await cafe();
    const request = { idempotencyKey: randomUUID(), objectId: ids.croissant, image: { type: 'IMAGE' as const, id: '#photo', imageData: { caption: 'Flaky' } } };
    const { image } = await client.catalog.images.create({ imageFile: jpeg(), request });
    expect(await client.catalog.images.create({ imageFile: jpeg(), request })).toEqual({ image });
    expect(await failure(client.catalog.images.create({ imageFile: jpeg('another picture'), request }))).toMatchObject({
      status: 400,
      errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }],
    });
    const updated = await client.catalog.images.update({ imageId: image!.id!, imageFile: jpeg('a better picture'), request: { idempotencyKey: randomUUID() } });
    expect(updated.image).toMatchObject({ id: image!.id, imageData: { caption: 'Flaky' } });
    expect(updated.image!.version! > image!.version!).toBe(true);
    expect((updated.image as Square.CatalogObject.Image).imageData!.url).not.toBe((image as Square.CatalogObject.Image).imageData!.url);
  });

  it('refuses a missing file, a file that is not an image, an unknown object and an image id that is not new', async () => {
    const { client, ids } = await cafe();
    const image = { type: 'IMAGE' as const, id: '#photo', imageData: { name: 'x' } };
    const create = (imageFile: Blob | undefined, request: Partial<Square.CreateCatalogImageRequest> = {}) =>
      failure(client.catalog.images.create({ imageFile, request: { idempotencyKey: randomUUID(), image, ...request } }));
    expect(await create(undefined)).toMatchObject({ status: 400, errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'image_file' }] });
    expect(await create(new Blob(['text'], { type: 'text/plain' }))).toMatchObject({ status: 400, errors: [{ code: 'INVALID_CONTENT_TYPE', field: 'image_file' }] });
    expect(await create(jpeg(), { objectId: 'MISSING' })).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND', field: 'object_id' }] });
    expect(await create(jpeg(), { image: { ...image, id: ids.latte! } })).toMatchObject({ status: 400, errors: [{ code: 'INVALID_VALUE', field: 'image.id' }] });
    expect(await failure(client.catalog.images.update({ imageId: ids.latte!, imageFile: jpeg(), request: { idempotencyKey: randomUUID() } }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'image_id' }],
    });
  });
});
