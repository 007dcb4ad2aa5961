import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { squareConnection } from '../../schema/connections.js';
import { squareIdFrom } from '../../schema/ids.js';
import { CatalogCategoryRef, CatalogImageRef, CatalogItemConnection, CatalogItemRef, CatalogItemVariationRef, CatalogModifierListRef } from './refs.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

const itemData = (i: Square.CatalogObject) => (i.type === 'ITEM' ? i.itemData : undefined);

/** The objects of these ids that are of `type`, in order; deleted or missing ones are left out. */
async function objectsOf(ctx: { loaders: { catalogObject: { loadMany: (ids: string[]) => Promise<Array<Square.CatalogObject | null | Error>> } } }, ids: string[], type: string) {
  const found = await ctx.loaders.catalogObject.loadMany(ids);
  const failure = found.find((o) => o instanceof Error);
  if (failure) throw failure;
  return found.filter((o): o is Square.CatalogObject => !!o && !(o instanceof Error) && o.type === type);
}

builder.node(CatalogItemRef, {
  ...writtenType('ITEMS_READ'),
  description: 'A product or service the seller sells, with its variations (sizes, colours), category, images and modifier lists.',
  id: { resolve: (i) => i.id!, ...writeFact('ITEMS_READ') },
  loadOne: async (id, ctx) => {
    const found = await ctx.loaders.catalogObject.load(id);
    return found?.type === 'ITEM' ? found : null;
  },
  fields: (t) => ({
    squareId: t.string({ ...writeFact('ITEMS_READ'), nullable: false, description: 'Square’s own id for this item.', resolve: (i) => i.id! }),
    name: t.string({ nullable: true, description: 'The item’s name.', resolve: (i) => itemData(i)?.name ?? null }),
    description: t.string({ nullable: true, description: 'The item’s description, as plain text.', resolve: (i) => itemData(i)?.description ?? null }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the item was last changed.', resolve: (i) => i.updatedAt ?? null }),
    variations: t.field({
      type: [CatalogItemVariationRef],
      nullable: false,
      description: 'The forms the item is sold in, in the seller’s order; they come with the item, at no further Square call.',
      resolve: (i) => itemData(i)?.variations ?? [],
    }),
    category: t.field({
      type: CatalogCategoryRef,
      nullable: true,
      description: 'The item’s (first) category; null when it has none.',
      resolve: async (i, _args, ctx) => {
        const data = itemData(i);
        const id = data?.categories?.[0]?.id ?? data?.categoryId ?? data?.reportingCategory?.id;
        return id ? ((await objectsOf(ctx, [id], 'CATEGORY'))[0] ?? null) : null;
      },
    }),
    images: t.field({
      type: [CatalogImageRef],
      nullable: false,
      description: 'The item’s pictures, the main one first.',
      resolve: (i, _args, ctx) => objectsOf(ctx, itemData(i)?.imageIds ?? [], 'IMAGE'),
    }),
    modifierLists: t.field({
      type: [CatalogModifierListRef],
      nullable: false,
      description: 'The modifier lists that apply to the item, e.g. a choice of milk.',
      resolve: (i, _args, ctx) => objectsOf(ctx, (itemData(i)?.modifierListInfo ?? []).map((m) => m.modifierListId), 'MODIFIER_LIST'),
    }),
  }),
});

const CatalogItemFilter = builder.inputType('CatalogItemFilter', {
  description: 'Find catalog items (Square’s SearchCatalogItems); every condition given must hold.',
  fields: (t) => ({
    text: t.string({ required: false, description: 'Words in the item’s name or description, or a variation’s name or SKU.' }),
    categoryIds: t.idList({ required: false, description: 'Only items in one of these categories (their squareIds).' }),
    locationIds: t.idList({ required: false, description: 'Only items sold at one of these locations (their squareIds).' }),
  }),
});

builder.queryFields((t) => ({
  catalogItem: t.field({
    authScopes: { ITEMS_READ: true },
    type: CatalogItemRef,
    nullable: true,
    description: 'One catalog item by id or squareId; null when the seller has no such item.',
    args: { id: t.arg.id({ required: true, description: 'The item’s global id or its squareId.' }) },
    resolve: async (_root, args, ctx) => {
      const found = await ctx.loaders.catalogObject.load(squareIdFrom(String(args.id), 'CatalogItem'));
      return found?.type === 'ITEM' ? found : null;
    },
  }),
  catalogItems: t.connection(
    {
      authScopes: { ITEMS_READ: true },
      type: CatalogItemRef,
      nullable: true,
      description: 'The seller’s catalog items by name; with a filter, those that match it.',
      args: { filter: t.arg({ type: CatalogItemFilter, required: false, description: 'Only items matching every condition given.' }) },
      resolve: (_root, args, ctx) => {
        const search = {
          ...(args.filter?.text ? { textFilter: args.filter.text } : {}),
          ...(args.filter?.categoryIds?.length ? { categoryIds: args.filter.categoryIds.map(String) } : {}),
          ...(args.filter?.locationIds?.length ? { enabledLocationIds: args.filter.locationIds.map(String) } : {}),
        };
        return squareConnection(args, (cursor, limit) => ctx.loaders.catalogItemPage(search, cursor, limit), {
          scope: ['catalogItems', search],
          sortKey: (i) => (itemData(i)?.name ?? '').toLowerCase(),
          direction: 'ASC',
        });
      },
    },
    CatalogItemConnection,
  ),
}));
