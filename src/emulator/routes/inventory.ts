import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { errors } from '../errors.js';
import { CHANGES_PAGE, COUNTS_PAGE, applyChanges, findChanges, findCounts, type ChangeInput } from '../domain/inventory.js';
import type { Page } from '../pagination.js';
import { parse, shapes, withoutNulls } from '../validation.js';

/** Square takes at most 100 changes in one BatchChangeInventory. */
const MAX_CHANGES = 100;

const STATES = [
  'CUSTOM', 'IN_STOCK', 'SOLD', 'RETURNED_BY_CUSTOMER', 'RESERVED_FOR_SALE', 'SOLD_ONLINE', 'ORDERED_FROM_VENDOR',
  'RECEIVED_FROM_VENDOR', 'IN_TRANSIT_TO', 'NONE', 'WASTE', 'UNLINKED_RETURN', 'COMPOSED', 'DECOMPOSED', 'IN_TRANSIT',
] as const;
const state = z.enum(STATES);
const timestamp = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(191);

const common = {
  reference_id: z.string().max(255).nullish(),
  catalog_object_id: id,
  catalog_object_type: z.string().nullish(),
  quantity: z.string().min(1),
  occurred_at: timestamp,
  team_member_id: z.string().nullish(),
};
const change = z.object({
  type: z.enum(['PHYSICAL_COUNT', 'ADJUSTMENT', 'TRANSFER']),
  physical_count: z.object({ ...common, state, location_id: id }).nullish(),
  adjustment: z
    .object({
      ...common,
      from_state: state,
      to_state: state,
      location_id: id.nullish(),
      from_location_id: id.nullish(),
      to_location_id: id.nullish(),
    })
    .nullish(),
});
const batchChangeBody = z.object({
  idempotency_key: shapes.idempotencyKey(1, 128),
  changes: z.array(change).max(MAX_CHANGES).nullish(),
  ignore_unchanged_counts: z.boolean().nullish(),
});
const ids = z.array(z.string()).nullish();
const countsBody = z.object({
  catalog_object_ids: ids,
  location_ids: ids,
  states: z.array(state).nullish(),
  updated_after: timestamp.nullish(),
  cursor: z.string().nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
});
const changesBody = countsBody.extend({
  types: z.array(z.enum(['PHYSICAL_COUNT', 'ADJUSTMENT'])).nullish(),
  updated_before: timestamp.nullish(),
});
const byObjectQuery = z.object({ location_ids: z.string().optional(), cursor: z.string().optional() });

function toChangeInput(input: z.output<typeof change>, path: string): ChangeInput {
  if (input.type === 'TRANSFER') throw errors.invalidValue(`${path}.type`, 'Transfers between locations are not emulated.');
  if (input.type === 'PHYSICAL_COUNT') {
    if (!input.physical_count) throw errors.missing(`${path}.physical_count`);
    return { type: 'PHYSICAL_COUNT', physical_count: withoutNulls(input.physical_count) };
  }
  if (!input.adjustment) throw errors.missing(`${path}.adjustment`);
  const adjustment = withoutNulls(input.adjustment);
  if (!adjustment.location_id && !adjustment.from_location_id && !adjustment.to_location_id)
    throw errors.missing(`${path}.adjustment.from_location_id`);
  return { type: 'ADJUSTMENT', adjustment };
}

const paged = <T>(name: string, page: Page<T>) => ({
  ...(page.items.length ? { [name]: page.items } : {}),
  ...(page.cursor ? { cursor: page.cursor } : {}),
});

/**
 * Inventory API: physical counts and adjustments in batches, counts and the history of
 * changes by object, location and state. Transfers between locations are not emulated.
 */
export function registerInventory(app: FastifyInstance, ctx: EmulatorContext): void {
  const batchChange = async (request: { merchant: { id: string }; body: unknown }) => {
    const merchantId = request.merchant.id;
    const body = parse(batchChangeBody, request.body);
    const changes = (body.changes ?? []).map((c, i) => toChangeInput(c, `changes[${i}]`));
    const result = ctx.idempotency.run(merchantId, 'BatchChangeInventory', body.idempotency_key, body, () => {
      const applied = applyChanges(ctx, merchantId, changes);
      return {
        status: 200,
        body: { ...(applied.counts.length ? { counts: applied.counts } : {}), ...(applied.changes.length ? { changes: applied.changes } : {}) },
      };
    });
    return result.body;
  };
  app.post('/inventory/changes/batch-create', batchChange);
  app.post('/inventory/batch-change', batchChange);

  const batchCounts = async (request: { merchant: { id: string }; body: unknown }) =>
    paged('counts', findCounts(ctx, request.merchant.id, withoutNulls(parse(countsBody, request.body))));
  app.post('/inventory/counts/batch-retrieve', batchCounts);
  app.post('/inventory/batch-retrieve-counts', batchCounts);

  const batchChanges = async (request: { merchant: { id: string }; body: unknown }) =>
    paged('changes', findChanges(ctx, request.merchant.id, withoutNulls(parse(changesBody, request.body))));
  app.post('/inventory/changes/batch-retrieve', batchChanges);
  app.post('/inventory/batch-retrieve-changes', batchChanges);

  app.get<{ Params: { adjustment_id: string } }>('/inventory/adjustments/:adjustment_id', async (request) => {
    const found = ctx.stores.inventoryChanges.get(request.merchant.id, request.params.adjustment_id);
    if (!found?.adjustment) throw errors.notFound(`Inventory adjustment ${request.params.adjustment_id} not found.`, 'adjustment_id');
    return { adjustment: found.adjustment };
  });

  app.get<{ Params: { physical_count_id: string } }>('/inventory/physical-counts/:physical_count_id', async (request) => {
    const found = ctx.stores.inventoryChanges.get(request.merchant.id, request.params.physical_count_id);
    if (!found?.physical_count)
      throw errors.notFound(`Inventory physical count ${request.params.physical_count_id} not found.`, 'physical_count_id');
    return { count: found.physical_count };
  });

  /** The single-object reads answer NOT_FOUND for an object the catalog does not have. */
  app.get<{ Params: { catalog_object_id: string } }>('/inventory/:catalog_object_id', async (request) => {
    const merchantId = request.merchant.id;
    const query = parse(byObjectQuery, request.query);
    ctx.stores.catalogObjects.require(merchantId, request.params.catalog_object_id, 'catalog_object_id');
    const page = findCounts(ctx, merchantId, {
      catalog_object_ids: [request.params.catalog_object_id],
      location_ids: query.location_ids?.split(','),
      cursor: query.cursor,
      limit: COUNTS_PAGE,
    });
    return paged('counts', page);
  });

  app.get<{ Params: { catalog_object_id: string } }>('/inventory/:catalog_object_id/changes', async (request) => {
    const merchantId = request.merchant.id;
    const query = parse(byObjectQuery, request.query);
    ctx.stores.catalogObjects.require(merchantId, request.params.catalog_object_id, 'catalog_object_id');
    const page = findChanges(ctx, merchantId, {
      catalog_object_ids: [request.params.catalog_object_id],
      location_ids: query.location_ids?.split(','),
      cursor: query.cursor,
      limit: CHANGES_PAGE,
    });
    return paged('changes', page);
  });
}
