import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { errors, type SquareApiError } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { paginate } from '../plumbing/pagination.js';
import { instant } from '../plumbing/timestamps.js';
import { compact } from '../plumbing/validation.js';
import { autoApplyTaxes, catalogFiller } from './catalog-pricing.js';
import { recordSale } from './inventory.js';
import { priceOrder, type PricingContext } from './order-totals.js';

/**
 * The Orders API's operations: create, calculate, update (sparse, with fields_to_clear),
 * clone and search. Every stored order is priced by order-totals.ts; what payments and
 * refunds do to an order is in order-payments.ts.
 */

type Order = serialization.Order.Raw;
type OrderState = serialization.OrderState.Raw;
/** An order as a request carries it, before the emulator assigns ids, versions and totals. */
export type OrderInput = serialization.Order.Raw;
export type UpdateOrderBody = serialization.UpdateOrderRequest.Raw;
type SearchBody = serialization.SearchOrdersRequest.Raw;

/** Square names an order's source after the application that created it; this is the emulator's name. */
export const DEFAULT_ORDER_SOURCE = 'Square Emulator';

const CLOSED_STATES: readonly string[] = ['COMPLETED', 'CANCELED'];

const SORT_FIELDS = { CREATED_AT: 'created_at', UPDATED_AT: 'updated_at', CLOSED_AT: 'closed_at' } as const;

// ---------------------------------------------------------------------------------------------
// Orders

function pricingOf(ctx: EmulatorContext, merchantId: string, location: serialization.Location.Raw): PricingContext {
  return { currency: location.currency ?? 'USD', country: location.country ?? 'US', fromCatalog: catalogFiller(ctx, merchantId) };
}

export function reprice(ctx: EmulatorContext, merchantId: string, order: Order): Order {
  return priceOrder(order, pricingOf(ctx, merchantId, ctx.stores.locations.require(merchantId, order.location_id, 'order.location_id')));
}

/** `auto_applied` is read-only: only the emulator marks the taxes it applied itself. */
function withoutAutoApplied(input: Partial<Order>): void {
  for (const tax of input.taxes ?? []) delete tax.auto_applied;
}

/**
 * A new order from request fields: ids and uids assigned, version 1, not yet priced, with the
 * catalog taxes of its lines when `pricing_options.auto_apply_taxes` asks for them. Automatic
 * discounts come from pricing rules, which the emulator's catalog cannot hold: with none,
 * `auto_apply_discounts` applies nothing, as Square's does for a seller without pricing rules.
 */
function buildOrder(ctx: EmulatorContext, merchantId: string, input: OrderInput, at: string): Order {
  // The spec leaves a fulfillment's type optional, as UpdateOrder's sparse entries omit it; a new one needs it.
  input.fulfillments?.forEach((f, i) => {
    if (!f.type) throw errors.missing(`order.fulfillments[${i}].type`);
  });
  withoutAutoApplied(input);
  const { state, version: _version, ...fields } = input;
  const order = {
    ...fields,
    id: newId.order(),
    source: { name: input.source?.name ?? DEFAULT_ORDER_SOURCE },
    fulfillments: input.fulfillments?.map((f) => ({ ...f, uid: f.uid ?? newId.uid(), state: f.state ?? 'PROPOSED' })),
    created_at: at,
    updated_at: at,
    state: state ?? 'OPEN',
    version: 1,
  } as Order;
  if (!order.fulfillments) delete order.fulfillments;
  if (order.pricing_options?.auto_apply_taxes) autoApplyTaxes(ctx, merchantId, order, order.line_items ?? []);
  return order;
}

export function createOrder(ctx: EmulatorContext, merchantId: string, input: OrderInput): Order {
  const location = ctx.stores.locations.require(merchantId, input.location_id, 'order.location_id');
  if (input.state && input.state !== 'OPEN' && input.state !== 'DRAFT')
    throw errors.invalidValue('order.state', `An order can only be created in the OPEN or DRAFT state, not ${input.state}.`);
  if ((input.fulfillments?.length ?? 0) > 1)
    throw errors.invalidValue('order.fulfillments', 'Orders can only be created with at most one fulfillment.');
  const order = priceOrder(buildOrder(ctx, merchantId, input, now()), pricingOf(ctx, merchantId, location));
  ctx.stores.orders.insert(merchantId, order.id!, order);
  emitCreated(ctx, merchantId, order);
  return order;
}

function emitCreated(ctx: EmulatorContext, merchantId: string, order: Order): void {
  const { id, version, location_id, state, created_at } = order;
  ctx.webhooks.emit({
    merchantId,
    type: 'order.created',
    id: id!,
    locationId: location_id,
    object: { order_created: { order_id: id, version, location_id, state, created_at } },
  });
}

/** Stores a changed order under the next version and tells webhook subscribers. */
export function saveOrder(ctx: EmulatorContext, merchantId: string, changed: Order, at = now()): Order {
  const order = reprice(ctx, merchantId, { ...changed, version: (changed.version ?? 0) + 1, updated_at: at });
  const before = ctx.stores.orders.get(merchantId, order.id!);
  ctx.stores.orders.put(merchantId, order.id!, order);
  if (order.state === 'COMPLETED' && before?.state !== 'COMPLETED') recordSale(ctx, merchantId, order);
  const { id, version, location_id, state, created_at, updated_at } = order;
  ctx.webhooks.emit({
    merchantId,
    type: 'order.updated',
    id: id!,
    locationId: location_id,
    object: { order_updated: { order_id: id, version, location_id, state, created_at, updated_at } },
  });
  return order;
}

/** Moves an order to COMPLETED or CANCELED; completing drops line items of quantity 0, as Square does. */
export function close(order: Order, state: 'COMPLETED' | 'CANCELED', at: string): void {
  order.state = state;
  order.closed_at = at;
  if (state === 'COMPLETED' && order.line_items) order.line_items = order.line_items.filter((li) => !/^0+(\.0+)?$/.test(li.quantity));
}

/**
 * Square's limits on the metadata of an order and its parts, which its schema gives in prose only:
 * up to 10 entries a field, keys of 1 to 60 characters in [a-zA-Z0-9_-], values of up to 255.
 */
export function checkMetadata(value: unknown, path: string): void {
  if (Array.isArray(value)) return value.forEach((v, i) => checkMetadata(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key !== 'metadata' || v === null || typeof v !== 'object') {
      checkMetadata(v, field);
      continue;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length > 10) throw errors.invalidValue(field, 'An application can have up to 10 entries per metadata field.');
    for (const [name, text] of entries) {
      if (!/^[a-zA-Z0-9_-]{1,60}$/.test(name))
        throw errors.invalidValue(`${field}.${name}`, 'Metadata keys are 1 to 60 characters of a-z, A-Z, 0-9, _ and -.');
      if (typeof text === 'string' && text.length > 255)
        throw errors.invalid('VALUE_TOO_LONG', 'Metadata values are at most 255 characters long.', `${field}.${name}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CalculateOrder

/** CalculateOrder: the order priced as CreateOrder would price it, stored nowhere. */
export function calculateOrder(ctx: EmulatorContext, merchantId: string, body: serialization.CalculateOrderRequest.Raw): Order {
  // The discounts of loyalty rewards are not emulated (README): a proposed reward is refused rather than priced wrong.
  const reward = body.proposed_rewards?.[0];
  if (reward) throw errors.invalidValue('proposed_rewards[0].reward_tier_id', 'Pricing loyalty rewards into an order is not emulated.');
  const input = compact<OrderInput>(body.order);
  const location = ctx.stores.locations.require(merchantId, input.location_id, 'order.location_id');
  const order = buildOrder(ctx, merchantId, input, now());
  delete order.id;
  return priceOrder(order, pricingOf(ctx, merchantId, location));
}

/** BatchRetrieveOrders: the orders found, unknown ids left out. */
export function batchRetrieveOrders(ctx: EmulatorContext, merchantId: string, body: serialization.BatchGetOrdersRequest.Raw): Order[] {
  return [...new Set(body.order_ids)]
    .map((id) => ctx.stores.orders.get(merchantId, id))
    .filter((o): o is Order => !!o && (!body.location_id || o.location_id === body.location_id));
}

// ---------------------------------------------------------------------------------------------
// SearchOrders

export function searchOrders(ctx: EmulatorContext, merchantId: string, body: SearchBody) {
  const filter = body.query?.filter;
  const sortField = body.query?.sort?.sort_field ?? 'CREATED_AT';
  const states = filter?.state_filter?.states;
  const ranges = Object.entries(filter?.date_time_filter ?? {}).filter(([, range]) => range);
  if (ranges.length > 1)
    throw errors.invalidValue('query.filter.date_time_filter', 'Only one time range can be filtered on at a time.');
  const [rangeField, range] = ranges[0] ?? [];
  if (rangeField && rangeField !== SORT_FIELDS[sortField])
    throw errors.invalidValue(
      'query.sort.sort_field',
      `The sort_field must be ${rangeField.toUpperCase()} to match the date_time_filter on ${rangeField}.`,
    );
  if (sortField === 'CLOSED_AT' && (!states || states.some((s) => !CLOSED_STATES.includes(s))))
    throw errors.invalidValue(
      'query.filter.state_filter',
      'Sorting or filtering by CLOSED_AT requires a state_filter with closed states (COMPLETED, CANCELED).',
    );
  const bounds = range && timeBounds(range, `query.filter.date_time_filter.${rangeField}`);

  const locations = new Set(body.location_ids);
  const sourceNames = filter?.source_filter?.source_names;
  const customerIds = filter?.customer_filter?.customer_ids;
  const fulfillmentTypes: readonly string[] | null | undefined = filter?.fulfillment_filter?.fulfillment_types;
  const fulfillmentStates = filter?.fulfillment_filter?.fulfillment_states;
  const field = SORT_FIELDS[sortField];
  const matches = (order: Order) => {
    if (!locations.has(order.location_id)) return false;
    // Drafts are only found when asked for by state.
    if (states ? !states.includes(order.state as (typeof states)[number]) : order.state === 'DRAFT') return false;
    if (bounds) {
      const at = order[field] ? Date.parse(order[field]) : NaN;
      if (Number.isNaN(at) || at < bounds.start || at > bounds.end) return false;
    }
    if (sourceNames?.length && !sourceNames.includes(order.source?.name ?? '')) return false;
    if (customerIds?.length) {
      const ids = [order.customer_id, ...(order.tenders ?? []).map((t) => t.customer_id)];
      if (!ids.some((id) => id && customerIds.includes(id))) return false;
    }
    const fulfillments = order.fulfillments ?? [];
    if (fulfillmentTypes?.length && !fulfillments.some((f) => f.type && fulfillmentTypes.includes(f.type))) return false;
    if (fulfillmentStates?.length && !fulfillments.some((f) => f.state && fulfillmentStates.includes(f.state)))
      return false;
    return true;
  };

  const page = paginate({
    items: ordersOf(ctx, merchantId, customerIds).filter((s) => matches(s.doc)),
    key: (s) => [s.doc[field] ?? '', s.seq],
    order: body.query?.sort?.sort_order ?? 'DESC',
    limit: body.limit ?? 500,
    cursor: body.cursor,
    query: { location_ids: body.location_ids, query: body.query },
  });
  const orders = page.items.map((s) => s.doc);
  const result: Record<string, unknown> = {};
  if (orders.length && body.return_entries)
    result.order_entries = orders.map((o) => ({ order_id: o.id, version: o.version, location_id: o.location_id }));
  else if (orders.length) result.orders = orders;
  if (page.cursor) result.cursor = page.cursor;
  return result;
}

/**
 * The orders a search can find: all of the merchant's, or with a customer filter those that may name one of
 * the customers on the order or on a tender (Square Online's orders name theirs on the payment alone). A
 * tender is a payment and carries its customer, so both are found through indexes (`matches` decides).
 */
function ordersOf(ctx: EmulatorContext, merchantId: string, customerIds: readonly string[] | null | undefined) {
  const { orders, payments } = ctx.stores;
  if (!customerIds?.length) return orders.all(merchantId);
  const named = orders.where(merchantId, '$.customer_id', customerIds);
  // Most paid orders name their customer too: only the others are read again.
  const ids = new Set(named.map((s) => s.doc.id));
  const paidOnly = payments.fieldWhere(merchantId, '$.customer_id', customerIds, '$.order_id').filter((id) => !ids.has(id));
  if (paidOnly.length === 0) return named;
  return [...named, ...orders.byIds(merchantId, paidOnly)].sort((a, b) => a.seq - b.seq);
}

function timeBounds(range: { start_at?: string | null; end_at?: string | null }, field: string) {
  const start = instant(range.start_at, `${field}.start_at`, 'INVALID_TIME') ?? -Infinity;
  const end = instant(range.end_at, `${field}.end_at`, 'INVALID_TIME') ?? Infinity;
  if (start > end) throw errors.invalid('INVALID_TIME_RANGE', 'The time range ends before it starts.', field);
  return { start, end };
}

// ---------------------------------------------------------------------------------------------
// UpdateOrder

const CLEARABLE_FIELDS = new Set([
  'reference_id',
  'source',
  'customer_id',
  'line_items',
  'taxes',
  'discounts',
  'service_charges',
  'fulfillments',
  'metadata',
  'ticket_name',
  'pricing_options',
]);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Removes the field a dot path such as `line_items[uid].note` or `discounts[uid]` names. */
function clearField(order: Order, path: string): void {
  const segments = path.split('.').map((s) => /^([a-z_]+)(?:\[([^\]]+)\])?$/.exec(s));
  if (segments.some((s) => !s) || !CLEARABLE_FIELDS.has(segments[0]![1]!))
    throw errors.invalidValue('fields_to_clear', `The field ${path} cannot be cleared.`);
  let node: unknown = order;
  for (const [i, match] of segments.entries()) {
    const [, name, elementUid] = match!;
    const last = i === segments.length - 1;
    if (!isObject(node)) return;
    if (elementUid === undefined) {
      if (last) delete node[name!];
      node = node[name!];
      continue;
    }
    const list = node[name!];
    if (!Array.isArray(list)) return;
    const index = list.findIndex((x) => isObject(x) && x.uid === elementUid);
    if (index < 0) return;
    if (last) list.splice(index, 1);
    node = list[index];
  }
}

/** After a tax or discount is cleared, the line items' references to it go with it. */
function dropDanglingReferences(order: Order): void {
  const taxes = new Set((order.taxes ?? []).map((t) => t.uid));
  const discounts = new Set((order.discounts ?? []).map((d) => d.uid));
  for (const item of order.line_items ?? []) {
    if (item.applied_taxes) item.applied_taxes = item.applied_taxes.filter((a) => taxes.has(a.tax_uid));
    if (item.applied_discounts) item.applied_discounts = item.applied_discounts.filter((a) => discounts.has(a.discount_uid));
  }
  for (const charge of order.service_charges ?? [])
    if (charge.applied_taxes) charge.applied_taxes = charge.applied_taxes.filter((a) => taxes.has(a.tax_uid));
}

/**
 * Square's sparse update: fields replace, maps merge, and list entries with the uid
 * of an existing entry (or, for applied taxes and discounts, the same tax or
 * discount) update it while the others are added.
 */
function mergeSparse(target: Json, patch: Json): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (Array.isArray(value) && Array.isArray(current) && value.every(isObject)) {
      for (const entry of value) {
        const same = (c: unknown) =>
          isObject(c) &&
          (entry.uid !== undefined
            ? c.uid === entry.uid
            : (entry.tax_uid !== undefined && c.tax_uid === entry.tax_uid) ||
              (entry.discount_uid !== undefined && c.discount_uid === entry.discount_uid));
        const match = current.find(same);
        if (isObject(match)) mergeSparse(match, entry);
        else current.push(entry);
      }
    } else if (isObject(value) && isObject(current)) mergeSparse(current, value);
    else target[key] = value;
  }
}

const TRANSITIONS: Record<string, readonly string[]> = {
  DRAFT: ['DRAFT', 'OPEN', 'CANCELED'],
  OPEN: ['OPEN', 'COMPLETED', 'CANCELED'],
};

export function updateOrder(ctx: EmulatorContext, merchantId: string, orderId: string, body: UpdateOrderBody): Order {
  const existing = ctx.stores.orders.require(merchantId, orderId);
  const { version, state, location_id: locationId, ...fields } = compact<Partial<Order>>(body.order);
  if (version !== existing.version)
    throw errors.versionMismatch(
      `The order's version is ${existing.version}; the update was made against version ${version}.`,
      'order.version',
    );
  if (!TRANSITIONS[existing.state ?? '']) throw notUpdatable(existing);
  if (locationId && locationId !== existing.location_id)
    throw errors.invalidValue('order.location_id', 'An order cannot be moved to another location.');
  if (state && !TRANSITIONS[existing.state!]!.includes(state))
    throw errors.invalidValue('order.state', `An order cannot go from ${existing.state} to ${state}.`);

  const order = structuredClone(existing);
  for (const path of body.fields_to_clear ?? []) clearField(order, path);
  withoutAutoApplied(fields);
  const autoTaxesBefore = order.pricing_options?.auto_apply_taxes === true;
  const autoTaxes = (fields.pricing_options?.auto_apply_taxes ?? order.pricing_options?.auto_apply_taxes) === true;
  // Turned off, auto_apply_taxes takes back the taxes it applied.
  if (!autoTaxes && order.taxes) {
    order.taxes = order.taxes.filter((t) => !t.auto_applied);
    if (order.taxes.length === 0) delete order.taxes;
  }
  dropDanglingReferences(order);
  const lineUids = new Set((order.line_items ?? []).map((li) => li.uid));
  mergeSparse(order as unknown as Json, fields);
  // Left on, it taxes the lines this update adds; lines it taxed before keep what fields_to_clear left them.
  if (autoTaxes) {
    const lines = (order.line_items ?? []).filter((li) => !autoTaxesBefore || !lineUids.has(li.uid));
    autoApplyTaxes(ctx, merchantId, order, lines);
  }
  if (order.source && !order.source.name) delete order.source;
  for (const fulfillment of order.fulfillments ?? []) {
    fulfillment.state ??= 'PROPOSED';
    if (!fulfillment.type) throw errors.missing('order.fulfillments.type');
  }
  const at = now();
  // Priced first: completing needs to know whether the order is paid for.
  const priced = reprice(ctx, merchantId, order);
  if (state === 'COMPLETED' && existing.state !== 'COMPLETED' && BigInt(priced.net_amount_due_money?.amount ?? 0) > 0n)
    throw errors.badRequest(`Order ${orderId} cannot be completed before it is paid in full.`);
  if (state === 'COMPLETED' || state === 'CANCELED') {
    if (state !== existing.state) close(priced, state, at);
  } else if (state) priced.state = state;
  return saveOrder(ctx, merchantId, priced, at);
}

function notUpdatable(order: Order): SquareApiError {
  return errors.badRequest(`Order ${order.id} is ${order.state} and can no longer be updated.`);
}

// ---------------------------------------------------------------------------------------------
// CloneOrder

export function cloneOrder(ctx: EmulatorContext, merchantId: string, orderId: string, version: number | undefined): Order {
  const source = ctx.stores.orders.require(merchantId, orderId, 'order_id');
  if (version !== undefined && version !== source.version)
    throw errors.versionMismatch(`The order's version is ${source.version}, not ${version}.`, 'version');
  // Fresh uids for everything, with the line items' references following their taxes and discounts.
  const taxUids = new Map((source.taxes ?? []).map((t) => [t.uid!, newId.uid()]));
  const discountUids = new Map((source.discounts ?? []).map((d) => [d.uid!, newId.uid()]));
  const at = now();
  const clone: Order = {
    id: newId.order(),
    location_id: source.location_id,
    source: source.source ?? { name: DEFAULT_ORDER_SOURCE },
    created_at: at,
    updated_at: at,
    state: 'DRAFT' satisfies OrderState,
    version: 1,
  };
  if (source.customer_id) clone.customer_id = source.customer_id;
  if (source.ticket_name) clone.ticket_name = source.ticket_name;
  if (source.metadata) clone.metadata = source.metadata;
  if (source.pricing_options) clone.pricing_options = source.pricing_options;
  if (source.taxes) clone.taxes = source.taxes.map((t) => ({ ...t, uid: taxUids.get(t.uid!) }));
  if (source.discounts) clone.discounts = source.discounts.map((d) => ({ ...d, uid: discountUids.get(d.uid!) }));
  if (source.service_charges)
    clone.service_charges = source.service_charges.map((c) => ({
      ...c,
      uid: newId.uid(),
      ...(c.applied_taxes && {
        applied_taxes: c.applied_taxes.map((a) => ({ uid: newId.uid(), tax_uid: taxUids.get(a.tax_uid)! })),
      }),
    }));
  if (source.line_items)
    clone.line_items = source.line_items.map((li) => ({
      ...li,
      uid: newId.uid(),
      modifiers: li.modifiers?.map((m) => ({ ...m, uid: newId.uid() })),
      applied_taxes: li.applied_taxes?.map((a) => ({ uid: newId.uid(), tax_uid: taxUids.get(a.tax_uid)! })),
      applied_discounts: li.applied_discounts?.map((a) => ({
        uid: newId.uid(),
        discount_uid: discountUids.get(a.discount_uid)!,
      })),
    }));
  const order = reprice(ctx, merchantId, compact<Order>(clone));
  ctx.stores.orders.insert(merchantId, order.id!, order);
  emitCreated(ctx, merchantId, order);
  return order;
}
