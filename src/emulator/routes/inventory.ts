import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import {
  batchChangeInventory,
  batchRetrieveChanges,
  batchRetrieveCounts,
  retrieveAdjustment,
  retrieveChanges,
  retrieveCounts,
  retrievePhysicalCount,
  type ChangeInput,
} from '../domain/inventory.js';
import { SquareApiError, errors } from '../plumbing/errors.js';
import { parse, parseRequest, rulesUnder, querySchema, withoutNulls, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';
import { INVENTORY_VERSIONS, transferOf, type InventoryShapes } from './inventory-versions.js';

type Change = serialization.InventoryChange.Raw;

/** Square takes at most 100 changes in one BatchChangeInventory. */
const MAX_CHANGES = 100;

const KEY_RULES: FieldRules = { idempotency_key: { min: 1, max: 128 } };

/** The spec's lengths for what a request may set on each change. */
const detailRules = (detail: 'physical_count' | 'adjustment'): FieldRules => ({
  [`${detail}.reference_id`]: { max: 255 },
  [`${detail}.catalog_object_id`]: { max: 100 },
  [`${detail}.catalog_object_type`]: { max: 14 },
  [`${detail}.quantity`]: { max: 26 },
  [`${detail}.team_member_id`]: { max: 100 },
  [`${detail}.employee_id`]: { max: 100 },
  [`${detail}.occurred_at`]: { max: 34 },
});
const CHANGE_RULES: FieldRules = {
  ...detailRules('physical_count'),
  ...detailRules('adjustment'),
  'physical_count.location_id': { max: 100 },
  'adjustment.from_location_id': { max: 100 },
  'adjustment.to_location_id': { max: 100 },
  'adjustment.transaction_id': { max: 255 },
  'adjustment.refund_id': { max: 255 },
  'adjustment.purchase_order_id': { max: 100 },
  'adjustment.goods_receipt_id': { max: 100 },
};

const BATCH_CHANGE_RULES: FieldRules = { ...KEY_RULES, ...rulesUnder('changes[]', CHANGE_RULES) };

/** What Square checks of the retrieve requests beyond the SDK's schema: times are RFC 3339, pages 1 to 1,000. */
const RETRIEVE_RULES: FieldRules = { updated_after: { timestamp: true }, updated_before: { timestamp: true }, limit: { min: 1, max: 1000 } };

const byObjectSchema = querySchema<Omit<Square.GetInventoryRequest, 'catalogObjectId'>>()({ locationIds: z.string(), cursor: z.string() });

function toChangeInput(input: serialization.InventoryChange.Raw, path: string): ChangeInput {
  if (input.type == null) throw errors.missing(`${path}.type`);
  if (input.type === 'PHYSICAL_COUNT') {
    if (!input.physical_count) throw errors.missing(`${path}.physical_count`);
    return { type: 'PHYSICAL_COUNT', physical_count: withoutNulls(input.physical_count) };
  }
  if (!input.adjustment) throw errors.missing(`${path}.adjustment`);
  return { type: 'ADJUSTMENT', adjustment: withoutNulls(input.adjustment) };
}

/** The single-object reads' query, its locations given as a comma-separated list. */
function byObjectQuery(query: unknown) {
  const { location_ids: locationIds, cursor } = parse(byObjectSchema, query);
  return { location_ids: locationIds?.split(','), cursor };
}

export const INVENTORY_ENDPOINTS: Endpoints = {
  'POST /inventory/changes/batch-create': { response: 'BatchChangeInventoryResponse', scopes: ['INVENTORY_WRITE'] }, // BatchChangeInventory
  'POST /inventory/batch-change': { response: 'BatchChangeInventoryResponse', scopes: ['INVENTORY_WRITE'] }, // DeprecatedBatchChangeInventory (deprecated)
  'POST /inventory/counts/batch-retrieve': { response: 'BatchGetInventoryCountsResponse', scopes: ['INVENTORY_READ'] }, // BatchRetrieveInventoryCounts
  'POST /inventory/batch-retrieve-counts': { response: 'BatchGetInventoryCountsResponse', scopes: ['INVENTORY_READ'] }, // DeprecatedBatchRetrieveInventoryCounts (deprecated)
  'POST /inventory/changes/batch-retrieve': { response: 'BatchGetInventoryChangesResponse', scopes: ['INVENTORY_READ'] }, // BatchRetrieveInventoryChanges
  'POST /inventory/batch-retrieve-changes': { response: 'BatchGetInventoryChangesResponse', scopes: ['INVENTORY_READ'] }, // DeprecatedBatchRetrieveInventoryChanges (deprecated)
  'GET /inventory/adjustments/:adjustment_id': { response: 'GetInventoryAdjustmentResponse', scopes: ['INVENTORY_READ'] }, // RetrieveInventoryAdjustment
  'GET /inventory/transfers/:transfer_id': { retiredIn: '2026-09-16', scopes: ['INVENTORY_READ'] }, // RetrieveInventoryTransfer
  'GET /inventory/physical-counts/:physical_count_id': { response: 'GetInventoryPhysicalCountResponse', scopes: ['INVENTORY_READ'] }, // RetrieveInventoryPhysicalCount
  'GET /inventory/:catalog_object_id': { response: 'GetInventoryCountResponse', scopes: ['INVENTORY_READ'] }, // RetrieveInventoryCount
  'GET /inventory/:catalog_object_id/changes': { response: 'GetInventoryChangesResponse', scopes: ['INVENTORY_READ'] }, // RetrieveInventoryChanges (deprecated)
};

/** The `changes` of an answer as the call's Square-Version has them. */
function changesIn(answer: object, shapes: InventoryShapes): object {
  const { changes } = answer as { changes?: Change[] };
  return changes ? { ...answer, changes: changes.map((change) => shapes.change(change)) } : answer;
}

/**
 * Inventory API: physical counts, adjustments and moves between locations in batches, counts and the
 * history of changes by object, location and state, in each Square-Version's shapes (inventory-versions.ts).
 */
export function registerInventory(app: FastifyInstance, ctx: EmulatorContext): void {
  const batchChange = async (request: FastifyRequest, reply: FastifyReply) => {
    const merchantId = request.merchant.id;
    const shapes = INVENTORY_VERSIONS[request.squareVersion.release];
    const { body: current, field } = shapes.batchChange(request.body);
    try {
      const body = parseRequest(serialization.BatchChangeInventoryRequest, current, BATCH_CHANGE_RULES);
      if ((body.changes?.length ?? 0) > MAX_CHANGES)
        throw errors.invalid('ARRAY_LENGTH_TOO_LONG', `A batch takes at most ${MAX_CHANGES} changes.`, 'changes');
      const changes = (body.changes ?? []).map((c, i) => toChangeInput(c, `changes[${i}]`));
      const answer = ctx.idempotency.answer({ merchantId, endpoint: 'BatchChangeInventory', key: body.idempotency_key, request: body }, () =>
        batchChangeInventory(ctx, merchantId, changes),
      );
      return reply.code(answer.status).send(answer.status === 200 ? changesIn(answer.body as object, shapes) : answer.body);
    } catch (error) {
      throw error instanceof SquareApiError ? error.renamed(field) : error;
    }
  };
  app.post('/inventory/changes/batch-create', batchChange);
  app.post('/inventory/batch-change', batchChange);

  const batchCounts = async (request: { merchant: { id: string }; body: unknown }) => {
    const body = parseRequest(serialization.BatchGetInventoryCountsRequest, request.body, RETRIEVE_RULES);
    return batchRetrieveCounts(ctx, request.merchant.id, withoutNulls(body));
  };
  app.post('/inventory/counts/batch-retrieve', batchCounts);
  app.post('/inventory/batch-retrieve-counts', batchCounts);

  const batchChanges = async (request: FastifyRequest) => {
    const shapes = INVENTORY_VERSIONS[request.squareVersion.release];
    const { body: current, kinds } = shapes.changesQuery(request.body);
    const { types: _types, ...filter } = withoutNulls(parseRequest(serialization.BatchRetrieveInventoryChangesRequest, current, RETRIEVE_RULES));
    return changesIn(batchRetrieveChanges(ctx, request.merchant.id, { ...filter, kinds }), shapes);
  };
  app.post('/inventory/changes/batch-retrieve', batchChanges);
  app.post('/inventory/batch-retrieve-changes', batchChanges);

  app.get<{ Params: { adjustment_id: string } }>('/inventory/adjustments/:adjustment_id', async (request) => {
    const shapes = INVENTORY_VERSIONS[request.squareVersion.release];
    const adjustment = retrieveAdjustment(ctx, request.merchant.id, request.params.adjustment_id, shapes.adjustmentKinds);
    return { adjustment: (shapes.change({ type: 'ADJUSTMENT', adjustment }) as Change).adjustment };
  });

  // Only Square-Versions before 2026-09-16 reach it (http/square-api.ts: RetrieveInventoryTransfer retired then).
  app.get<{ Params: { transfer_id: string } }>('/inventory/transfers/:transfer_id', async (request) => ({
    transfer: transferOf(retrieveAdjustment(ctx, request.merchant.id, request.params.transfer_id, ['TRANSFER'], 'transfer')),
  }));

  app.get<{ Params: { physical_count_id: string } }>('/inventory/physical-counts/:physical_count_id', async (request) => ({
    count: retrievePhysicalCount(ctx, request.merchant.id, request.params.physical_count_id),
  }));

  app.get<{ Params: { catalog_object_id: string } }>('/inventory/:catalog_object_id', async (request) =>
    retrieveCounts(ctx, request.merchant.id, request.params.catalog_object_id, byObjectQuery(request.query)),
  );

  app.get<{ Params: { catalog_object_id: string } }>('/inventory/:catalog_object_id/changes', async (request) =>
    changesIn(retrieveChanges(ctx, request.merchant.id, request.params.catalog_object_id, byObjectQuery(request.query)), INVENTORY_VERSIONS[request.squareVersion.release]),
  );
}
