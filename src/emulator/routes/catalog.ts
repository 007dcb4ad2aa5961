import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { CatalogObject, EmulatorContext } from '../context.js';
import { searchItems, searchObjects, type CatalogQuery } from '../domain/catalog-search.js';
import {
  CATALOG_LIMITS,
  TOP_LEVEL_TYPES,
  allObjects,
  assemble,
  deleteObjects,
  liveObject,
  relatedObjects,
  updateItemModifierLists,
  updateItemTaxes,
  upsertObjects,
} from '../domain/catalog.js';
import { errors } from '../plumbing/errors.js';
import { paginate } from '../plumbing/pagination.js';
import { parse, parseRequest, rulesUnder, querySchema, shapes, withoutNulls, type FieldRules } from '../plumbing/validation.js';
import { registerCatalogImages } from './catalog-images.js';

/** Square's page sizes: ListCatalog 100 a page; SearchCatalogObjects 100 unless told (up to 1,000); SearchCatalogItems 100 at most. */
const LIST_PAGE = 100;
const SEARCH_PAGE = 100;
const ITEMS_PAGE = 100;

const KEY_RULES: FieldRules = { idempotency_key: { min: 1, max: 128 } };

/** What the spec states of a catalog object's fields beyond the SDK's schema, for the types the emulator keeps. */
const OBJECT_RULES: FieldRules = {
  id: { min: 1 },
  'item_data.name': { max: 512 },
  'item_data.description': { max: 4096 },
  'item_data.description_html': { max: 65535 },
  'item_data.description_plaintext': { max: 65535 },
  'item_data.abbreviation': { max: 24 },
  'item_variation_data.user_data': { max: 255 },
  'category_data.name': { max: 255 },
  'tax_data.name': { max: 255 },
  'discount_data.name': { max: 255 },
  'modifier_list_data.name': { max: 255 },
  'modifier_list_data.internal_name': { max: 512 },
  'modifier_data.name': { max: 255 },
};

/** OBJECT_RULES for the objects at `at`, and for the variations and modifiers nested in them. */
const objectRules = (at: string): FieldRules => ({
  ...KEY_RULES,
  ...rulesUnder(at, OBJECT_RULES),
  ...rulesUnder(`${at}.item_data.variations[]`, OBJECT_RULES),
  ...rulesUnder(`${at}.modifier_list_data.modifiers[]`, OBJECT_RULES),
});
const UPSERT_RULES = objectRules('object');
const BATCH_UPSERT_RULES: FieldRules = {
  ...objectRules('batches[].objects[]'),
  batches: { min: 1 },
  'batches[].objects': { min: 1, max: CATALOG_LIMITS.batch_upsert_max_objects_per_batch },
};

/**
 * The counts Square's CatalogInfo limits allow, which neither the SDK's schemas nor the spec's
 * properties carry (their descriptions state them).
 */
const BATCH_RETRIEVE_RULES: FieldRules = { object_ids: { min: 1, max: CATALOG_LIMITS.batch_retrieve_max_object_ids } };
// Square sets no minimum: an empty batch deletes nothing, as a client clearing an empty catalog sends.
const BATCH_DELETE_RULES: FieldRules = { object_ids: { max: CATALOG_LIMITS.batch_delete_max_object_ids } };
const ITEM_TAXES_RULES: FieldRules = {
  item_ids: { min: 1, max: CATALOG_LIMITS.update_item_taxes_max_item_ids },
  taxes_to_enable: { max: CATALOG_LIMITS.update_item_taxes_max_taxes_to_enable },
  taxes_to_disable: { max: CATALOG_LIMITS.update_item_taxes_max_taxes_to_disable },
};
const ITEM_MODIFIER_LISTS_RULES: FieldRules = {
  item_ids: { min: 1, max: CATALOG_LIMITS.update_item_modifier_lists_max_item_ids },
  modifier_lists_to_enable: { max: CATALOG_LIMITS.update_item_modifier_lists_max_modifier_lists_to_enable },
  modifier_lists_to_disable: { max: CATALOG_LIMITS.update_item_modifier_lists_max_modifier_lists_to_disable },
};
const SEARCH_RULES: FieldRules = {
  begin_time: { timestamp: true },
  'query.set_query.attribute_values': { min: 1 },
  'query.prefix_query.attribute_prefix': { min: 1 },
  'query.text_query.keywords': { min: 1, max: 3 },
  'query.items_for_tax_query.tax_ids': { min: 1, max: 1000 },
  'query.items_for_modifier_list_query.modifier_list_ids': { min: 1, max: 1000 },
};
const SEARCH_ITEMS_RULES: FieldRules = { limit: { min: 1, max: ITEMS_PAGE } };

/** The query expressions SearchCatalogObjects answers here; Square's others are refused rather than ignored. */
const EMULATED_QUERIES: ReadonlySet<string> = new Set<keyof CatalogQuery>([
  'exact_query',
  'set_query',
  'prefix_query',
  'text_query',
  'sorted_attribute_query',
  'items_for_tax_query',
  'items_for_modifier_list_query',
]);

const retrieveQuery = querySchema<Omit<Square.catalog.GetObjectRequest, 'objectId'>>()({
  includeRelatedObjects: shapes.queryBool,
  catalogVersion: shapes.queryBigInt,
  includeCategoryPathToRoot: shapes.queryBool,
});
const listQuery = querySchema<Square.ListCatalogRequest>()({ types: z.string(), cursor: z.string(), catalogVersion: shapes.queryBigInt });

const withRelated = (objects: CatalogObject[], related: CatalogObject[]) => ({
  ...(objects.length ? { objects } : {}),
  ...(related.length ? { related_objects: related } : {}),
});

/**
 * Catalog API: upsert (single and batched, with `#temporary` ids and versions), retrieve
 * (with related objects), list, search objects and items, delete, taxes and modifier lists
 * switched on items, image uploads, and the API's limits. Historical catalog versions are not
 * emulated (`catalog_version` reads the latest).
 */
export function registerCatalog(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/catalog/info', async () => ({ limits: CATALOG_LIMITS }));

  // Neither call takes an idempotency key: each runs once in a transaction.
  app.post('/catalog/update-item-taxes', async (request) => {
    const body = parseRequest(serialization.UpdateItemTaxesRequest, request.body, ITEM_TAXES_RULES);
    return ctx.tx(() => updateItemTaxes(ctx, request.merchant.id, body));
  });

  app.post('/catalog/update-item-modifier-lists', async (request) => {
    const body = parseRequest(serialization.UpdateItemModifierListsRequest, request.body, ITEM_MODIFIER_LISTS_RULES);
    return ctx.tx(() => updateItemModifierLists(ctx, request.merchant.id, body));
  });

  registerCatalogImages(app, ctx);

  app.post('/catalog/object', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.catalog.object.UpsertCatalogObjectRequest, request.body, UPSERT_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'UpsertCatalogObject', key: body.idempotency_key, request: body }, () => {
      const upserted = upsertObjects(ctx, merchantId, [{ object: body.object as CatalogObject, field: 'object' }]);
      return { catalog_object: upserted.objects[0], ...(upserted.id_mappings.length ? { id_mappings: upserted.id_mappings } : {}) };
    });
  });

  app.post('/catalog/batch-upsert', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.BatchUpsertCatalogObjectsRequest, request.body, BATCH_UPSERT_RULES);
    const total = body.batches.reduce((n, b) => n + b.objects.length, 0);
    if (total > CATALOG_LIMITS.batch_upsert_max_total_objects)
      throw errors.tooHigh('batches', `A batch upsert takes at most ${CATALOG_LIMITS.batch_upsert_max_total_objects} objects in all.`);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'BatchUpsertCatalogObjects', key: body.idempotency_key, request: body }, () => {
      const input = body.batches.flatMap((b, i) => b.objects.map((o, j) => ({ object: o as CatalogObject, field: `batches[${i}].objects[${j}]` })));
      const upserted = upsertObjects(ctx, merchantId, input);
      return {
        objects: upserted.objects,
        updated_at: upserted.updated_at,
        ...(upserted.id_mappings.length ? { id_mappings: upserted.id_mappings } : {}),
      };
    });
  });

  app.get<{ Params: { object_id: string } }>('/catalog/object/:object_id', async (request) => {
    const merchantId = request.merchant.id;
    const query = parse(retrieveQuery, request.query);
    const object = liveObject(ctx, merchantId, request.params.object_id);
    if (!object) throw errors.notFound(`Catalog object ${request.params.object_id} not found.`, 'object_id');
    const assembled = assemble(ctx, merchantId, object);
    const related = query.include_related_objects ? relatedObjects(ctx, merchantId, [assembled]) : [];
    return { object: assembled, ...(related.length ? { related_objects: related } : {}) };
  });

  app.post('/catalog/batch-retrieve', async (request) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.BatchGetCatalogObjectsRequest, request.body, BATCH_RETRIEVE_RULES);
    const objects = [...new Set(body.object_ids)]
      .map((id) => ctx.stores.catalogObjects.get(merchantId, id))
      .filter((o): o is CatalogObject => !!o && (!o.is_deleted || !!body.include_deleted_objects))
      .map((o) => assemble(ctx, merchantId, o, !!body.include_deleted_objects));
    return withRelated(objects, body.include_related_objects ? relatedObjects(ctx, merchantId, objects) : []);
  });

  app.get('/catalog/list', async (request) => {
    const merchantId = request.merchant.id;
    const query = parse(listQuery, request.query);
    const types = query.types ? query.types.split(',').map((t) => t.trim().toUpperCase()) : TOP_LEVEL_TYPES;
    const page = paginate({
      items: allObjects(ctx, merchantId).filter((s) => types.includes(s.doc.type)),
      key: (s) => [s.seq],
      limit: LIST_PAGE,
      cursor: query.cursor,
      query: types,
    });
    const objects = page.items.map((s) => assemble(ctx, merchantId, s.doc));
    return { ...(objects.length ? { objects } : {}), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });

  app.post('/catalog/search', async (request) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.SearchCatalogObjectsRequest, request.body, SEARCH_RULES);
    const query = body.query ? withoutNulls(body.query) : undefined;
    if (query && Object.keys(query).length > 1)
      throw errors.invalidValue('query', 'A catalog query takes one expression at most.');
    for (const expression of Object.keys(query ?? {}))
      if (!EMULATED_QUERIES.has(expression)) throw errors.invalidValue(`query.${expression}`, `The emulator does not answer ${expression}.`);
    // Square ignores a limit that is not positive or above the maximum.
    const limit = body.limit && body.limit > 0 && body.limit <= CATALOG_LIMITS.search_max_page_limit ? body.limit : SEARCH_PAGE;
    const found = searchObjects(ctx, merchantId, { ...withoutNulls(body), query: query as CatalogQuery | undefined, limit });
    return {
      ...withRelated(found.items, body.include_related_objects ? relatedObjects(ctx, merchantId, found.items) : []),
      ...(found.cursor ? { cursor: found.cursor } : {}),
      ...(found.latest_time ? { latest_time: found.latest_time } : {}),
    };
  });

  app.post('/catalog/search-catalog-items', async (request) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.SearchCatalogItemsRequest, request.body, SEARCH_ITEMS_RULES);
    // A filter the emulator cannot apply is refused rather than ignored, as for SearchCatalogObjects' query expressions.
    if (body.custom_attribute_filters?.length)
      throw errors.invalidValue('custom_attribute_filters', 'The emulator does not filter by custom attributes.');
    const found = searchItems(ctx, merchantId, { ...withoutNulls(body), limit: body.limit ?? ITEMS_PAGE });
    return {
      ...(found.items.length ? { items: found.items } : {}),
      ...(found.cursor ? { cursor: found.cursor } : {}),
      ...(found.matched_variation_ids.length ? { matched_variation_ids: found.matched_variation_ids } : {}),
    };
  });

  app.delete<{ Params: { object_id: string } }>('/catalog/object/:object_id', async (request) => {
    const merchantId = request.merchant.id;
    const id = request.params.object_id;
    return ctx.tx(() => {
      if (!liveObject(ctx, merchantId, id)) throw errors.notFound(`Catalog object ${id} not found.`, 'object_id');
      return deleteObjects(ctx, merchantId, [id]);
    });
  });

  app.post('/catalog/batch-delete', async (request) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.BatchDeleteCatalogObjectsRequest, request.body, BATCH_DELETE_RULES);
    return ctx.tx(() => {
      const deleted = deleteObjects(ctx, merchantId, body.object_ids);
      return deleted.deleted_object_ids.length ? deleted : { deleted_at: deleted.deleted_at };
    });
  });
}
