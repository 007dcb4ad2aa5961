import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CATALOG_LIMITS,
  CATALOG_TYPES,
  TOP_LEVEL_TYPES,
  allObjects,
  assemble,
  deleteObjects,
  liveObject,
  relatedObjects,
  upsertObjects,
} from '../domain/catalog.js';
import { searchItems, searchObjects } from '../domain/catalog-search.js';
import type { CatalogObject, EmulatorContext } from '../context.js';
import { errors } from '../errors.js';
import { paginate } from '../pagination.js';
import { parse, shapes, withoutNulls } from '../validation.js';

/** Square's page sizes: ListCatalog 100 a page; SearchCatalogObjects 100 unless told (up to 1,000); SearchCatalogItems 100 at most. */
const LIST_PAGE = 100;
const SEARCH_PAGE = 100;
const ITEMS_PAGE = 100;

const nestedObject = z.looseObject({ type: z.string(), id: z.string().min(1), version: z.number().int().nullish() });
const catalogObject = z.looseObject({
  type: z.enum(CATALOG_TYPES),
  id: z.string().min(1),
  version: z.number().int().nullish(),
  present_at_all_locations: z.boolean().nullish(),
  item_data: z.looseObject({ variations: z.array(nestedObject).nullish() }).nullish(),
  modifier_list_data: z.looseObject({ modifiers: z.array(nestedObject).nullish() }).nullish(),
});

const idempotencyKey = shapes.idempotencyKey(1, 128);
const upsertBody = z.object({ idempotency_key: idempotencyKey, object: catalogObject });
const batchUpsertBody = z.object({
  idempotency_key: idempotencyKey,
  batches: z
    .array(z.object({ objects: z.array(catalogObject).min(1).max(CATALOG_LIMITS.batch_upsert_max_objects_per_batch) }))
    .min(1),
});
const batchRetrieveBody = z.object({
  object_ids: z.array(z.string()).min(1).max(CATALOG_LIMITS.batch_retrieve_max_object_ids),
  include_related_objects: z.boolean().nullish(),
  include_deleted_objects: z.boolean().nullish(),
  catalog_version: z.number().int().nullish(),
});
const batchDeleteBody = z.object({ object_ids: z.array(z.string()).min(1).max(CATALOG_LIMITS.batch_delete_max_object_ids) });
const retrieveQuery = z.object({
  include_related_objects: shapes.queryBool.optional(),
  catalog_version: shapes.queryInt.optional(),
  include_category_path_to_root: shapes.queryBool.optional(),
});
const listQuery = z.object({
  types: z.string().optional(),
  cursor: z.string().optional(),
  catalog_version: shapes.queryInt.optional(),
});
const attributeName = z.string().min(1);
const searchBody = z.object({
  cursor: z.string().nullish(),
  object_types: z.array(z.string()).nullish(),
  include_deleted_objects: z.boolean().nullish(),
  include_related_objects: z.boolean().nullish(),
  begin_time: z.iso.datetime({ offset: true }).nullish(),
  limit: z.number().int().nullish(),
  query: z
    .object({
      exact_query: z.object({ attribute_name: attributeName, attribute_value: z.string() }).nullish(),
      set_query: z.object({ attribute_name: attributeName, attribute_values: z.array(z.string()).min(1) }).nullish(),
      prefix_query: z.object({ attribute_name: attributeName, attribute_prefix: z.string().min(1) }).nullish(),
      text_query: z.object({ keywords: z.array(z.string()).min(1).max(3) }).nullish(),
      sorted_attribute_query: z.object({ attribute_name: attributeName, sort_order: z.enum(['ASC', 'DESC']).nullish() }).nullish(),
      items_for_tax_query: z.object({ tax_ids: z.array(z.string()).min(1).max(1000) }).nullish(),
      items_for_modifier_list_query: z.object({ modifier_list_ids: z.array(z.string()).min(1).max(1000) }).nullish(),
    })
    .strict()
    .nullish(),
});
const searchItemsBody = z.object({
  text_filter: z.string().nullish(),
  category_ids: z.array(z.string()).nullish(),
  stock_levels: z.array(z.enum(['OUT', 'LOW'])).nullish(),
  enabled_location_ids: z.array(z.string()).nullish(),
  cursor: z.string().nullish(),
  limit: z.number().int().min(1).max(ITEMS_PAGE).nullish(),
  sort_order: z.enum(['ASC', 'DESC']).nullish(),
  product_types: z.array(z.string()).nullish(),
  archived_state: z.enum(['ARCHIVED_STATE_NOT_ARCHIVED', 'ARCHIVED_STATE_ARCHIVED', 'ARCHIVED_STATE_ALL']).nullish(),
});

const withRelated = (objects: CatalogObject[], related: CatalogObject[]) => ({
  ...(objects.length ? { objects } : {}),
  ...(related.length ? { related_objects: related } : {}),
});

/**
 * Catalog API: upsert (single and batched, with `#temporary` ids and versions), retrieve
 * (with related objects), list, search objects and items, delete, and the API's limits.
 * Images are catalog objects here; CreateCatalogImage's multipart upload is not emulated,
 * nor are historical catalog versions (`catalog_version` reads the latest).
 */
export function registerCatalog(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/catalog/info', async () => ({ limits: CATALOG_LIMITS }));

  app.post('/catalog/object', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(upsertBody, request.body);
    const result = ctx.idempotency.run(merchantId, 'UpsertCatalogObject', body.idempotency_key, body, () => {
      const upserted = upsertObjects(ctx, merchantId, [{ object: body.object as CatalogObject, field: 'object' }]);
      return {
        status: 200,
        body: { catalog_object: upserted.objects[0], ...(upserted.id_mappings.length ? { id_mappings: upserted.id_mappings } : {}) },
      };
    });
    return reply.code(result.status).send(result.body);
  });

  app.post('/catalog/batch-upsert', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(batchUpsertBody, request.body);
    const total = body.batches.reduce((n, b) => n + b.objects.length, 0);
    if (total > CATALOG_LIMITS.batch_upsert_max_total_objects)
      throw errors.tooHigh('batches', `A batch upsert takes at most ${CATALOG_LIMITS.batch_upsert_max_total_objects} objects in all.`);
    const result = ctx.idempotency.run(merchantId, 'BatchUpsertCatalogObjects', body.idempotency_key, body, () => {
      const input = body.batches.flatMap((b, i) => b.objects.map((o, j) => ({ object: o as CatalogObject, field: `batches[${i}].objects[${j}]` })));
      const upserted = upsertObjects(ctx, merchantId, input);
      return {
        status: 200,
        body: {
          objects: upserted.objects,
          updated_at: upserted.updated_at,
          ...(upserted.id_mappings.length ? { id_mappings: upserted.id_mappings } : {}),
        },
      };
    });
    return reply.code(result.status).send(result.body);
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
    const body = parse(batchRetrieveBody, request.body);
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
    const body = parse(searchBody, request.body);
    const query = body.query ? withoutNulls(body.query) : undefined;
    if (query && Object.keys(query).length > 1)
      throw errors.invalidValue('query', 'A catalog query takes one expression at most.');
    // Square ignores a limit that is not positive or above the maximum.
    const limit = body.limit && body.limit > 0 && body.limit <= CATALOG_LIMITS.search_max_page_limit ? body.limit : SEARCH_PAGE;
    const found = searchObjects(ctx, merchantId, { ...withoutNulls(body), query, limit });
    return {
      ...withRelated(found.items, body.include_related_objects ? relatedObjects(ctx, merchantId, found.items) : []),
      ...(found.cursor ? { cursor: found.cursor } : {}),
      ...(found.latest_time ? { latest_time: found.latest_time } : {}),
    };
  });

  app.post('/catalog/search-catalog-items', async (request) => {
    const merchantId = request.merchant.id;
    const body = parse(searchItemsBody, request.body);
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
    const body = parse(batchDeleteBody, request.body);
    return ctx.tx(() => {
      const deleted = deleteObjects(ctx, merchantId, body.object_ids);
      return deleted.deleted_object_ids.length ? deleted : { deleted_at: deleted.deleted_at };
    });
  });
}
