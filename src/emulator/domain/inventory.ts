import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { paginate, type Page } from '../plumbing/pagination.js';
import { liveObject } from './catalog.js';
import { formatQuantity, parseQuantity } from './quantities.js';

/**
 * Inventory API domain: counts per variation, location and state, moved by physical
 * counts and adjustments, each kept as a change in the history.
 */

type Count = serialization.InventoryCount.Raw;
type Change = serialization.InventoryChange.Raw;
type Adjustment = serialization.InventoryAdjustment.Raw;
type PhysicalCount = serialization.InventoryPhysicalCount.Raw;
export type InventoryState = serialization.InventoryState.Raw;

/** States Square moves stock into but keeps no count of. */
const UNCOUNTED: readonly string[] = ['NONE', 'SOLD', 'UNLINKED_RETURN'];

/** Square's page sizes: counts 1,000 by default, changes 100; both at most 1,000. */
const COUNTS_PAGE = 1000;
const CHANGES_PAGE = 100;

const countKey = (objectId: string, locationId: string, state: string) => `${objectId}/${locationId}/${state}`;

/** A change as a request gives it, before ids and timestamps. */
export type ChangeInput =
  | { type: 'PHYSICAL_COUNT'; physical_count: Omit<PhysicalCount, 'id' | 'created_at'> }
  | { type: 'ADJUSTMENT'; adjustment: Omit<Adjustment, 'id' | 'created_at'> };

function currentQuantity(ctx: EmulatorContext, merchantId: string, objectId: string, locationId: string, state: string): bigint {
  const count = ctx.stores.inventoryCounts.get(merchantId, countKey(objectId, locationId, state));
  return count ? parseQuantity(count.quantity ?? '0')! : 0n;
}

/** The IN_STOCK quantity of a variation at the given locations (all when none are given). */
export function inStock(ctx: EmulatorContext, merchantId: string, objectId: string, locationIds?: readonly string[]): bigint | undefined {
  const counts = ctx.stores.inventoryCounts
    .all(merchantId)
    .filter(({ doc }) => doc.catalog_object_id === objectId && doc.state === 'IN_STOCK' && (!locationIds?.length || locationIds.includes(doc.location_id!)));
  if (counts.length === 0) return undefined;
  return counts.reduce((total, { doc }) => total + parseQuantity(doc.quantity ?? '0')!, 0n);
}

/**
 * Where an adjustment takes its quantity from and puts it: a location named on one side only is both. Moves
 * between two locations are emulated as Square's transfers were, keeping their state; a move that changes
 * both location and state is not.
 */
function adjustmentPlaces(adjustment: Omit<Adjustment, 'id' | 'created_at'>): { from: string; to: string } | undefined {
  const from = adjustment.from_location_id ?? adjustment.to_location_id;
  const to = adjustment.to_location_id ?? adjustment.from_location_id;
  return from && to ? { from, to } : undefined;
}

/** What a change does, in the emulator's own terms: a count, an adjustment within one location, or a transfer between two. */
export type ChangeKind = 'PHYSICAL_COUNT' | 'ADJUSTMENT' | 'TRANSFER';

export function kindOf(change: Change): ChangeKind {
  if (!change.adjustment) return 'PHYSICAL_COUNT';
  return change.adjustment.from_location_id === change.adjustment.to_location_id ? 'ADJUSTMENT' : 'TRANSFER';
}

/** What a change must name, though the SDK's schema has every field optional (they are read-only in responses too). */
const REQUIRED = {
  PHYSICAL_COUNT: ['catalog_object_id', 'state', 'location_id', 'quantity', 'occurred_at'],
  ADJUSTMENT: ['catalog_object_id', 'from_state', 'to_state', 'quantity', 'occurred_at'],
} as const;

function requireLocation(ctx: EmulatorContext, merchantId: string, locationId: string, field: string) {
  if (!ctx.stores.locations.get(merchantId, locationId)) throw errors.notFound(`Location ${locationId} not found.`, field);
}

function validate(ctx: EmulatorContext, merchantId: string, change: ChangeInput, path: string) {
  const detail = change.type === 'PHYSICAL_COUNT' ? change.physical_count : change.adjustment;
  const at = `${path}.${change.type === 'PHYSICAL_COUNT' ? 'physical_count' : 'adjustment'}`;
  for (const name of REQUIRED[change.type]) if (detail[name as keyof typeof detail] == null) throw errors.missing(`${at}.${name}`);
  const places = change.type === 'ADJUSTMENT' ? adjustmentPlaces(change.adjustment) : undefined;
  if (change.type === 'ADJUSTMENT' && !places) throw errors.missing(`${at}.from_location_id`);
  if (Number.isNaN(Date.parse(detail.occurred_at!))) throw errors.invalidValue(`${at}.occurred_at`, 'occurred_at is an RFC 3339 timestamp.');
  const object = liveObject(ctx, merchantId, detail.catalog_object_id!);
  if (!object) throw errors.notFound(`Catalog object ${detail.catalog_object_id} not found.`, `${at}.catalog_object_id`);
  if (object.type !== 'ITEM_VARIATION')
    throw errors.invalidValue(`${at}.catalog_object_id`, `Only item variations have inventory; ${object.id} is a ${object.type}.`);
  if (change.type === 'PHYSICAL_COUNT') requireLocation(ctx, merchantId, change.physical_count.location_id!, `${at}.location_id`);
  else {
    requireLocation(ctx, merchantId, places!.from, `${at}.${change.adjustment.from_location_id ? 'from' : 'to'}_location_id`);
    requireLocation(ctx, merchantId, places!.to, `${at}.${change.adjustment.to_location_id ? 'to' : 'from'}_location_id`);
  }
  const quantity = parseQuantity(detail.quantity!);
  if (quantity === undefined || quantity < 0n)
    throw errors.invalidValue(`${at}.quantity`, `Invalid quantity ${detail.quantity}: a non-negative decimal with at most 5 places.`);
  if (change.type === 'ADJUSTMENT') {
    const { from_state: from, to_state: to } = change.adjustment;
    const moves = places!.from !== places!.to;
    if (!moves && from === to) throw errors.invalidValue(`${at}.to_state`, 'An adjustment moves stock to another state or another location.');
    if (moves && from !== to)
      throw errors.invalidValue(`${at}.to_state`, 'Moves between locations are emulated in one state: from_state and to_state must agree.');
    if (moves && UNCOUNTED.includes(from!)) throw errors.invalidValue(`${at}.from_state`, `Stock in ${from} is not kept at a location, so it cannot move between two.`);
  } else if (UNCOUNTED.includes(change.physical_count.state!)) {
    throw errors.invalidValue(`${at}.state`, `A physical count cannot be taken of ${change.physical_count.state}.`);
  }
  return quantity;
}

/**
 * Applies physical counts (which set a state's quantity) and adjustments (which move
 * quantity from one state to another) in order, records each in the history, and
 * announces the counts it changed with `inventory.count.updated`.
 */
function applyChanges(ctx: EmulatorContext, merchantId: string, inputs: ChangeInput[], path = 'changes'): { changes: Change[]; counts: Count[] } {
  const at = now();
  const touched = new Map<string, Count>();
  const move = (objectId: string, locationId: string, state: string, set: (q: bigint) => bigint) => {
    if (UNCOUNTED.includes(state)) return;
    const key = countKey(objectId, locationId, state);
    const count: Count = {
      catalog_object_id: objectId,
      catalog_object_type: 'ITEM_VARIATION',
      state: state as InventoryState,
      location_id: locationId,
      quantity: formatQuantity(set(currentQuantity(ctx, merchantId, objectId, locationId, state))),
      calculated_at: at,
      is_estimated: false,
    };
    if (!ctx.stores.inventoryCounts.put(merchantId, key, count)) ctx.stores.inventoryCounts.insert(merchantId, key, count);
    touched.set(key, count);
  };
  const changes = inputs.map((input, i): Change => {
    const quantity = validate(ctx, merchantId, input, `${path}[${i}]`);
    const id = newId.inventoryChange();
    if (input.type === 'PHYSICAL_COUNT') {
      const count = { ...input.physical_count, id, catalog_object_type: 'ITEM_VARIATION', created_at: at };
      move(count.catalog_object_id!, count.location_id!, count.state!, () => quantity);
      return { type: 'PHYSICAL_COUNT', physical_count: count };
    }
    const { from, to } = adjustmentPlaces(input.adjustment)!;
    const adjustment: Adjustment = {
      ...input.adjustment,
      id,
      from_location_id: from,
      to_location_id: to,
      catalog_object_type: 'ITEM_VARIATION',
      created_at: at,
    };
    move(adjustment.catalog_object_id!, from, adjustment.from_state!, (q) => q - quantity);
    move(adjustment.catalog_object_id!, to, adjustment.to_state!, (q) => q + quantity);
    return { type: 'ADJUSTMENT', adjustment };
  });
  for (const change of changes) ctx.stores.inventoryChanges.insert(merchantId, (change.physical_count ?? change.adjustment)!.id!, change);
  const counts = [...touched.values()];
  if (counts.length > 0)
    ctx.webhooks.emit({
      merchantId,
      type: 'inventory.count.updated',
      id: newId.event(),
      dataType: 'inventory_counts',
      object: { inventory_counts: counts },
    });
  return { changes, counts };
}

export interface CountFilter {
  catalog_object_ids?: string[] | undefined;
  location_ids?: string[] | undefined;
  states?: string[] | undefined;
  updated_after?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

function findCounts(ctx: EmulatorContext, merchantId: string, filter: CountFilter): Page<Count> {
  const { limit, cursor, ...query } = filter;
  const after = query.updated_after ? Date.parse(query.updated_after) : undefined;
  const items = ctx.stores.inventoryCounts.all(merchantId).filter(
    ({ doc }) =>
      (!query.catalog_object_ids || query.catalog_object_ids.includes(doc.catalog_object_id!)) &&
      (!query.location_ids || query.location_ids.includes(doc.location_id!)) &&
      (!query.states || query.states.includes(doc.state!)) &&
      (after === undefined || Date.parse(doc.calculated_at!) > after),
  );
  const page = paginate({ items, key: (s) => [s.seq], limit: limit ?? COUNTS_PAGE, cursor, query });
  return { ...page, items: page.items.map((s) => s.doc) };
}

export interface ChangeFilter extends CountFilter {
  kinds?: readonly ChangeKind[] | undefined;
  updated_before?: string | undefined;
}

function findChanges(ctx: EmulatorContext, merchantId: string, filter: ChangeFilter): Page<Change> {
  const { limit, cursor, ...query } = filter;
  const after = query.updated_after ? Date.parse(query.updated_after) : undefined;
  const before = query.updated_before ? Date.parse(query.updated_before) : undefined;
  const items = ctx.stores.inventoryChanges.all(merchantId).filter(({ doc }) => {
    const detail = (doc.physical_count ?? doc.adjustment)!;
    const states = doc.adjustment ? [doc.adjustment.from_state, doc.adjustment.to_state] : [doc.physical_count!.state];
    // A transfer is in the history of both its locations.
    const locations = doc.adjustment ? [doc.adjustment.from_location_id, doc.adjustment.to_location_id] : [doc.physical_count!.location_id];
    const created = Date.parse(detail.created_at!);
    return (
      (!query.kinds || query.kinds.includes(kindOf(doc))) &&
      (!query.catalog_object_ids || query.catalog_object_ids.includes(detail.catalog_object_id!)) &&
      (!query.location_ids || locations.some((l) => query.location_ids!.includes(l!))) &&
      (!query.states || states.some((s) => query.states!.includes(s!))) &&
      (after === undefined || created > after) &&
      (before === undefined || created < before)
    );
  });
  const page = paginate({
    items,
    key: (s) => [(s.doc.physical_count ?? s.doc.adjustment)!.occurred_at!, s.seq],
    limit: limit ?? CHANGES_PAGE,
    cursor,
    query,
  });
  return { ...page, items: page.items.map((s) => s.doc) };
}

/** A page as Square answers it: the list under its name, left out when empty, and the cursor. */
const paged = <T>(name: string, page: Page<T>) => ({
  ...(page.items.length ? { [name]: page.items } : {}),
  ...(page.cursor ? { cursor: page.cursor } : {}),
});

/** BatchChangeInventory: the changes applied in order, with the counts they left. */
export function batchChangeInventory(ctx: EmulatorContext, merchantId: string, changes: ChangeInput[]) {
  const applied = applyChanges(ctx, merchantId, changes);
  return { ...(applied.counts.length ? { counts: applied.counts } : {}), ...(applied.changes.length ? { changes: applied.changes } : {}) };
}

/** BatchRetrieveInventoryCounts. */
export const batchRetrieveCounts = (ctx: EmulatorContext, merchantId: string, filter: CountFilter) => paged('counts', findCounts(ctx, merchantId, filter));

/** BatchRetrieveInventoryChanges. */
export const batchRetrieveChanges = (ctx: EmulatorContext, merchantId: string, filter: ChangeFilter) => paged('changes', findChanges(ctx, merchantId, filter));

/** The single-object reads' filter; they answer NOT_FOUND for an object the catalog does not have. */
function byObject(ctx: EmulatorContext, merchantId: string, objectId: string, query: { location_ids?: string[] | undefined; cursor?: string | undefined }) {
  ctx.stores.catalogObjects.require(merchantId, objectId, 'catalog_object_id');
  return { catalog_object_ids: [objectId], ...query };
}

/** RetrieveInventoryCount: one object's counts, at the given locations or every one. */
export function retrieveCounts(ctx: EmulatorContext, merchantId: string, objectId: string, query: { location_ids?: string[] | undefined; cursor?: string | undefined }) {
  return paged('counts', findCounts(ctx, merchantId, { ...byObject(ctx, merchantId, objectId, query), limit: COUNTS_PAGE }));
}

/** RetrieveInventoryChanges (deprecated): one object's history. */
export function retrieveChanges(ctx: EmulatorContext, merchantId: string, objectId: string, query: { location_ids?: string[] | undefined; cursor?: string | undefined }) {
  return paged('changes', findChanges(ctx, merchantId, { ...byObject(ctx, merchantId, objectId, query), limit: CHANGES_PAGE }));
}

/**
 * RetrieveInventoryAdjustment, and RetrieveInventoryTransfer of the Square-Versions that had transfers: the
 * adjustment with that id when it is of the kinds the version calls by that `name`.
 */
export function retrieveAdjustment(ctx: EmulatorContext, merchantId: string, id: string, kinds: readonly ChangeKind[], name = 'adjustment'): Adjustment {
  const found = ctx.stores.inventoryChanges.get(merchantId, id);
  if (!found?.adjustment || !kinds.includes(kindOf(found))) throw errors.notFound(`Inventory ${name} ${id} not found.`, `${name}_id`);
  return found.adjustment;
}

/** RetrieveInventoryPhysicalCount. */
export function retrievePhysicalCount(ctx: EmulatorContext, merchantId: string, id: string): PhysicalCount {
  const found = ctx.stores.inventoryChanges.get(merchantId, id);
  if (!found?.physical_count) throw errors.notFound(`Inventory physical count ${id} not found.`, 'physical_count_id');
  return found.physical_count;
}

/**
 * Paying for an order sells its stock: each line item of a variation that tracks
 * inventory moves its quantity from IN_STOCK to SOLD at the order's location.
 */
export function recordSale(ctx: EmulatorContext, merchantId: string, order: serialization.Order.Raw): void {
  const sold: ChangeInput[] = [];
  for (const item of order.line_items ?? []) {
    const variation = item.catalog_object_id ? liveObject(ctx, merchantId, item.catalog_object_id) : undefined;
    const data = variation?.item_variation_data;
    if (!data) continue;
    const override = data.location_overrides?.find((o) => o.location_id === order.location_id);
    if (!(override?.track_inventory ?? data.track_inventory)) continue;
    sold.push({
      type: 'ADJUSTMENT',
      adjustment: {
        from_state: 'IN_STOCK',
        to_state: 'SOLD',
        from_location_id: order.location_id,
        to_location_id: order.location_id,
        catalog_object_id: variation.id,
        quantity: item.quantity,
        occurred_at: order.closed_at ?? now(),
        transaction_id: order.id,
      },
    });
  }
  if (sold.length > 0) applyChanges(ctx, merchantId, sold, 'order.line_items');
}
