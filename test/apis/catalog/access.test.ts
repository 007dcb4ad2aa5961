import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import { AdjustInventoryDocument, DeleteCatalogObjectDocument, StorefrontDocument, UpsertCatalogItemDocument } from '../../gql/graphql.js';
import { arrangeStorefront } from '../../support/catalog.js';
import { failAfterCommit } from '../../support/faults.js';
import { useGateway } from '../../support/gateway.js';

const itemsOnly = generateKey('items', ['ITEMS_READ']);
const stock = generateKey('stock', ['ITEMS_READ', 'INVENTORY_READ']);
const writer = generateKey('writer', ['ITEMS_READ', 'ITEMS_WRITE', 'INVENTORY_READ', 'INVENTORY_WRITE']);
const stack = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [itemsOnly.entry, stock.entry, writer.entry] }), 'test keys') });
const as = (key: { key: string }) => ({ headers: { 'x-api-key': key.key } });

describe('catalog and inventory scopes', () => {
  let locationId: string;
  let variationId: string;
  beforeAll(async () => {
    locationId = (await stack.square().locations.list()).locations![0]!.id!;
    variationId = (await arrangeStorefront(stack.square(), locationId, 2)).get('#s0')!;
  });

  it('shows items with ITEMS_READ, and their stock only with INVENTORY_READ too', async () => {
    const withoutStock = await stack.gql(StorefrontDocument, { first: 5, locationId }, as(itemsOnly));
    expect(withoutStock.data!.catalogItems!.edges.map((e) => e.node.name)).toEqual(['Item 000', 'Item 001']);
    expect(withoutStock.errors?.length).toBeGreaterThan(0);
    for (const error of withoutStock.errors!) {
      expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['INVENTORY_READ'] });
      expect(error.path).toContain('inventory');
    }
    const withStock = await stack.gql(StorefrontDocument, { first: 5, locationId }, as(stock));
    expect(withStock.errors).toBeUndefined();
    expect(withStock.data!.catalogItems!.edges[0]!.node.variations[0]!.inventory).toEqual([{ state: 'IN_STOCK', quantity: '12' }]);
  });

  it('changes the catalog only with ITEMS_WRITE, and stock only with INVENTORY_WRITE', async () => {
    const upsert = await stack.gql(UpsertCatalogItemDocument, { input: { idempotencyKey: randomUUID(), name: 'Muffin', variations: [{ name: 'Plain' }] } }, as(stock));
    expect(upsert.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['ITEMS_WRITE'] });
    const remove = await stack.gql(DeleteCatalogObjectDocument, { input: { id: variationId } }, as(stock));
    expect(remove.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['ITEMS_WRITE'] });
    const adjust = await stack.gql(
      AdjustInventoryDocument,
      { input: { idempotencyKey: randomUUID(), variationId, locationId, fromState: 'NONE', toState: 'IN_STOCK', quantity: '1' } },
      as(stock),
    );
    expect(adjust.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['INVENTORY_WRITE'] });
    // Nothing was written by the refused calls.
    const { objects } = await stack.square().catalog.search({ objectTypes: ['ITEM'], query: { exactQuery: { attributeName: 'name', attributeValue: 'Muffin' } } });
    expect(objects ?? []).toEqual([]);
    expect((await stack.gql(StorefrontDocument, { first: 5, locationId }, as(stock))).data!.catalogItems!.edges[0]!.node.variations[0]!.inventory).toEqual([
      { state: 'IN_STOCK', quantity: '12' },
    ]);
  });
});

describe('deleteCatalogObject when Square’s answer is lost', () => {
  it('settles by reading the object: gone is success, and the delete is not sent twice', async () => {
    for (const mode of ['drop', '500'] as const) {
      const created = await stack.gql(UpsertCatalogItemDocument, { input: { idempotencyKey: randomUUID(), name: `Bagel ${mode}`, variations: [{ name: 'Plain' }] } }, as(writer));
      const result = created.data!.upsertCatalogItem!;
      if (result.__typename !== 'UpsertCatalogItemSuccess') throw new Error(JSON.stringify(created));
      const { squareId } = result.item;
      await failAfterCommit(stack, 'DELETE', `/v2/catalog/object/${squareId}`, mode);
      await stack.clearCalls();
      const deleted = await stack.gql(DeleteCatalogObjectDocument, { input: { id: squareId } }, as(writer));
      expect(deleted.data!.deleteCatalogObject).toEqual({ __typename: 'DeleteCatalogObjectSuccess', deletedIds: [squareId] });
      // The request log keeps the calls Square answered: a dropped DELETE is not in it, one answered 500 is; a second DELETE would be.
      const [remove, read] = [`DELETE /v2/catalog/object/${squareId}`, `GET /v2/catalog/object/${squareId}`];
      expect(await stack.calls()).toEqual(mode === 'drop' ? [read] : [remove, read]);
      await expect(stack.square().catalog.object.get({ objectId: result.item.variations[0]!.squareId })).rejects.toMatchObject({ statusCode: 404 });
    }
  });
});
