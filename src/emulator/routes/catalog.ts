import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { CatalogObject, EmulatorContext } from '../context.js';
import {
  ITEMS_PAGE,
  batchRetrieveCatalogObjects,
  listCatalog,
  retrieveCatalogObject,
  searchCatalogItems,
  searchCatalogObjects,
} from '../domain/catalog-reads.js';
import {
  CATALOG_LIMITS,
  batchDeleteCatalogObjects,
  batchUpsertCatalogObjects,
  deleteCatalogObject,
  updateItemModifierLists,
  updateItemTaxes,
  upsertCatalogObject,
} from '../domain/catalog.js';
import { errors } from '../plumbing/errors.js';
import { parse, parseRequest, querySchema, rulesUnder, shapes, type FieldRules } from '../plumbing/validation.js';
import { CATALOG_IMAGE_ENDPOINTS, registerCatalogImages } from './catalog-images.js';
import type { Endpoints } from './endpoints.js';

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

const retrieveQuery = querySchema<Omit<Square.catalog.GetObjectRequest, 'objectId'>>()({
  includeRelatedObjects: shapes.queryBool,
  catalogVersion: shapes.queryBigInt,
  includeCategoryPathToRoot: shapes.queryBool,
});
const listQuery = querySchema<Square.ListCatalogRequest>()({ types: z.string(), cursor: z.string(), catalogVersion: shapes.queryBigInt });

export const CATALOG_ENDPOINTS: Endpoints = {
  ...CATALOG_IMAGE_ENDPOINTS,
  'GET /catalog/info': { response: 'CatalogInfoResponse', scopes: ['ITEMS_READ'] }, // CatalogInfo
  'POST /catalog/update-item-taxes': { response: 'UpdateItemTaxesResponse', scopes: ['ITEMS_WRITE'] }, // UpdateItemTaxes
  'POST /catalog/update-item-modifier-lists': { response: 'UpdateItemModifierListsResponse', scopes: ['ITEMS_WRITE'] }, // UpdateItemModifierLists
  'POST /catalog/object': { response: 'UpsertCatalogObjectResponse', scopes: ['ITEMS_WRITE'] }, // UpsertCatalogObject
  'POST /catalog/batch-upsert': { response: 'BatchUpsertCatalogObjectsResponse', scopes: ['ITEMS_WRITE'] }, // BatchUpsertCatalogObjects
  'GET /catalog/object/:object_id': { response: 'GetCatalogObjectResponse', scopes: ['ITEMS_READ'] }, // RetrieveCatalogObject
  'POST /catalog/batch-retrieve': { response: 'BatchGetCatalogObjectsResponse', scopes: ['ITEMS_READ'] }, // BatchRetrieveCatalogObjects
  'GET /catalog/list': { response: 'ListCatalogResponse', scopes: ['ITEMS_READ'] }, // ListCatalog
  'POST /catalog/search': { response: 'SearchCatalogObjectsResponse', scopes: ['ITEMS_READ'] }, // SearchCatalogObjects
  'POST /catalog/search-catalog-items': { response: 'SearchCatalogItemsResponse', scopes: ['ITEMS_READ'] }, // SearchCatalogItems
  'DELETE /catalog/object/:object_id': { response: 'DeleteCatalogObjectResponse', scopes: ['ITEMS_WRITE'] }, // DeleteCatalogObject
  'POST /catalog/batch-delete': { response: 'BatchDeleteCatalogObjectsResponse', scopes: ['ITEMS_WRITE'] }, // BatchDeleteCatalogObjects
};

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
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'UpsertCatalogObject', key: body.idempotency_key, request: body }, () =>
      upsertCatalogObject(ctx, merchantId, body.object as CatalogObject),
    );
  });

  app.post('/catalog/batch-upsert', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.BatchUpsertCatalogObjectsRequest, request.body, BATCH_UPSERT_RULES);
    const total = body.batches.reduce((n, b) => n + b.objects.length, 0);
    if (total > CATALOG_LIMITS.batch_upsert_max_total_objects)
      throw errors.tooHigh('batches', `A batch upsert takes at most ${CATALOG_LIMITS.batch_upsert_max_total_objects} objects in all.`);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'BatchUpsertCatalogObjects', key: body.idempotency_key, request: body }, () =>
      batchUpsertCatalogObjects(ctx, merchantId, body.batches.map((b) => b.objects as CatalogObject[])),
    );
  });

  app.get<{ Params: { object_id: string } }>('/catalog/object/:object_id', async (request) => {
    const query = parse(retrieveQuery, request.query);
    return retrieveCatalogObject(ctx, request.merchant.id, request.params.object_id, query.include_related_objects);
  });

  app.post('/catalog/batch-retrieve', async (request) =>
    batchRetrieveCatalogObjects(ctx, request.merchant.id, parseRequest(serialization.BatchGetCatalogObjectsRequest, request.body, BATCH_RETRIEVE_RULES)),
  );

  app.get('/catalog/list', async (request) => listCatalog(ctx, request.merchant.id, parse(listQuery, request.query)));

  app.post('/catalog/search', async (request) =>
    searchCatalogObjects(ctx, request.merchant.id, parseRequest(serialization.SearchCatalogObjectsRequest, request.body, SEARCH_RULES)),
  );

  app.post('/catalog/search-catalog-items', async (request) =>
    searchCatalogItems(ctx, request.merchant.id, parseRequest(serialization.SearchCatalogItemsRequest, request.body, SEARCH_ITEMS_RULES)),
  );

  app.delete<{ Params: { object_id: string } }>('/catalog/object/:object_id', async (request) =>
    ctx.tx(() => deleteCatalogObject(ctx, request.merchant.id, request.params.object_id)),
  );

  app.post('/catalog/batch-delete', async (request) => {
    const body = parseRequest(serialization.BatchDeleteCatalogObjectsRequest, request.body, BATCH_DELETE_RULES);
    return ctx.tx(() => batchDeleteCatalogObjects(ctx, request.merchant.id, body.object_ids));
  });
}
