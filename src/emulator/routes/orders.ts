import type { FastifyInstance } from 'fastify';
import type { serialization } from 'square';
import { z } from 'zod';
import { now, type EmulatorContext } from '../context.js';
import { SquareApiError, errors } from '../errors.js';
import { newId } from '../ids.js';
import { stringifyJson } from '../json.js';
import { catalogFiller } from '../catalog-pricing.js';
import { recordSale } from '../inventory.js';
import { priceOrder, type PricingContext } from '../order-totals.js';
import { paginate } from '../pagination.js';
import { compact, computedAmount, parse, shapes } from '../validation.js';
import { cancelPaymentRecord, completePaymentRecord } from './payments.js';

type Order = serialization.Order.Raw;
type OrderState = serialization.OrderState.Raw;
type Payment = serialization.Payment.Raw;
type Tender = serialization.Tender.Raw;

/** Square names an order's source after the application that created it; this is the emulator's name. */
export const DEFAULT_ORDER_SOURCE = 'Square Emulator';

const ORDER_STATES = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'] as const;
const CLOSED_STATES: readonly string[] = ['COMPLETED', 'CANCELED'];

// ---------------------------------------------------------------------------------------------
// Request shapes. Optional fields accept null (as Square does) and are dropped before storing.

const text = (max: number) => z.string().max(max).nullish();
const uid = text(60);
const money = shapes.money.nullish();
const catalogVersion = z.number().int().nullish();
const metadata = z
  .record(z.string().regex(/^[a-zA-Z0-9_-]{1,60}$/), z.string().max(255))
  .refine((m) => Object.keys(m).length <= 10, 'An application can have up to 10 entries per metadata field.')
  .nullish();
const appliedTax = z.object({ uid, tax_uid: z.string().min(1).max(60) });
const appliedDiscount = z.object({ uid, discount_uid: z.string().min(1).max(60) });
const looseObject = z.record(z.string(), z.unknown()).nullish();

const lineItem = z.object({
  uid,
  name: text(512),
  quantity: z.string().min(1).max(12),
  quantity_unit: z
    .object({
      measurement_unit: looseObject,
      precision: z.number().int().min(0).max(5).nullish(),
      catalog_object_id: text(192),
      catalog_version: catalogVersion,
    })
    .nullish(),
  note: text(2000),
  catalog_object_id: text(192),
  catalog_version: catalogVersion,
  variation_name: text(400),
  item_type: z.enum(['ITEM', 'CUSTOM_AMOUNT', 'GIFT_CARD']).nullish(),
  metadata,
  modifiers: z
    .array(
      z.object({
        uid,
        catalog_object_id: text(192),
        catalog_version: catalogVersion,
        name: text(255),
        quantity: text(12),
        base_price_money: money,
        metadata,
      }),
    )
    .nullish(),
  applied_taxes: z.array(appliedTax).nullish(),
  applied_discounts: z.array(appliedDiscount).nullish(),
  base_price_money: money,
});
const tax = z.object({
  uid,
  catalog_object_id: text(192),
  catalog_version: catalogVersion,
  name: text(255),
  type: z.enum(['ADDITIVE', 'INCLUSIVE']).nullish(),
  percentage: text(10),
  metadata,
  scope: z.enum(['LINE_ITEM', 'ORDER']).nullish(),
});
const discount = z.object({
  uid,
  catalog_object_id: text(192),
  catalog_version: catalogVersion,
  name: text(255),
  type: z.enum(['FIXED_PERCENTAGE', 'FIXED_AMOUNT', 'VARIABLE_PERCENTAGE', 'VARIABLE_AMOUNT']).nullish(),
  percentage: text(10),
  amount_money: money,
  metadata,
  scope: z.enum(['LINE_ITEM', 'ORDER']).nullish(),
});
const serviceCharge = z.object({
  uid,
  name: text(512),
  catalog_object_id: text(192),
  catalog_version: catalogVersion,
  percentage: text(10),
  amount_money: money,
  calculation_phase: z
    .enum(['SUBTOTAL_PHASE', 'TOTAL_PHASE', 'APPORTIONED_PERCENTAGE_PHASE', 'APPORTIONED_AMOUNT_PHASE'])
    .nullish(),
  taxable: z.boolean().nullish(),
  applied_taxes: z.array(appliedTax).nullish(),
  metadata,
  treatment_type: z.enum(['LINE_ITEM_TREATMENT', 'APPORTIONED_TREATMENT']).nullish(),
  scope: z.enum(['LINE_ITEM', 'ORDER']).nullish(),
});
const fulfillment = z.object({
  uid,
  type: z.enum(['PICKUP', 'SHIPMENT', 'DELIVERY']),
  state: z.enum(['PROPOSED', 'RESERVED', 'PREPARED', 'COMPLETED', 'CANCELED', 'FAILED']).nullish(),
  line_item_application: z.enum(['ALL', 'ENTRY_LIST']).nullish(),
  entries: z.array(z.record(z.string(), z.unknown())).nullish(),
  metadata,
  pickup_details: looseObject,
  shipment_details: looseObject,
  delivery_details: looseObject,
});
const fullOrder = z.object({
  location_id: z.string().min(1),
  reference_id: text(40),
  source: z.object({ name: z.string().nullish() }).nullish(),
  customer_id: text(191),
  line_items: z.array(lineItem).nullish(),
  taxes: z.array(tax).nullish(),
  discounts: z.array(discount).nullish(),
  service_charges: z.array(serviceCharge).nullish(),
  fulfillments: z.array(fulfillment).nullish(),
  metadata,
  state: z.enum(ORDER_STATES).nullish(),
  version: z.number().int().nullish(),
  ticket_name: text(30),
  pricing_options: z
    .object({ auto_apply_discounts: z.boolean().nullish(), auto_apply_taxes: z.boolean().nullish() })
    .nullish(),
});
/** UpdateOrder's sparse order: the version is required, and entries may name only the fields they change. */
const sparseOrder = fullOrder.extend({
  location_id: z.string().min(1).nullish(),
  version: z.number().int(),
  line_items: z.array(lineItem.partial({ quantity: true })).nullish(),
  fulfillments: z.array(fulfillment.partial({ type: true })).nullish(),
});
type OrderInput = z.output<typeof fullOrder>;

const createBody = z.object({ order: fullOrder, idempotency_key: z.string().max(192).nullish() });
const calculateBody = z.object({
  order: fullOrder,
  proposed_rewards: z.array(z.object({ id: z.string().min(1), reward_tier_id: z.string().min(1) })).nullish(),
});
const batchRetrieveBody = z.object({ location_id: z.string().nullish(), order_ids: z.array(z.string()).min(1).max(100) });
const updateBody = z.object({
  order: sparseOrder,
  fields_to_clear: z.array(z.string()).nullish(),
  idempotency_key: z.string().max(192).nullish(),
});
const payBody = z.object({
  idempotency_key: z.string().min(1).max(192),
  order_version: z.number().int().nullish(),
  payment_ids: z.array(z.string()).nullish(),
});
const cloneBody = z.object({
  order_id: z.string().min(1),
  version: z.number().int().nullish(),
  idempotency_key: z.string().max(192).nullish(),
});
const timeRange = z.object({ start_at: z.string().nullish(), end_at: z.string().nullish() }).nullish();
const SORT_FIELDS = { CREATED_AT: 'created_at', UPDATED_AT: 'updated_at', CLOSED_AT: 'closed_at' } as const;
const searchBody = z.object({
  location_ids: z.array(z.string()).min(1).max(10),
  cursor: z.string().nullish(),
  query: z
    .object({
      filter: z
        .object({
          state_filter: z.object({ states: z.array(z.enum(ORDER_STATES)).min(1) }).nullish(),
          date_time_filter: z.object({ created_at: timeRange, updated_at: timeRange, closed_at: timeRange }).nullish(),
          fulfillment_filter: z
            .object({
              fulfillment_types: z.array(z.enum(['PICKUP', 'SHIPMENT', 'DELIVERY'])).nullish(),
              fulfillment_states: z
                .array(z.enum(['PROPOSED', 'RESERVED', 'PREPARED', 'COMPLETED', 'CANCELED', 'FAILED']))
                .nullish(),
            })
            .nullish(),
          source_filter: z.object({ source_names: z.array(z.string()).max(10).nullish() }).nullish(),
          customer_filter: z.object({ customer_ids: z.array(z.string()).max(10).nullish() }).nullish(),
        })
        .nullish(),
      sort: z
        .object({
          sort_field: z.enum(['CREATED_AT', 'UPDATED_AT', 'CLOSED_AT']),
          sort_order: z.enum(['DESC', 'ASC']).nullish(),
        })
        .nullish(),
    })
    .nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  return_entries: z.boolean().nullish(),
});
type SearchBody = z.output<typeof searchBody>;

// ---------------------------------------------------------------------------------------------
// Routes

/**
 * Orders API: create, retrieve, batch retrieve, search, update (sparse, with
 * fields_to_clear), pay, calculate and clone. Every stored order is priced by
 * order-totals.ts; payments add tenders and refunds through the exports below.
 */
export function registerOrders(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/v2/orders', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(createBody, request.body);
    const create = () => ({ status: 200, body: { order: createOrder(ctx, merchantId, compact(body.order)) } });
    const result = body.idempotency_key
      ? ctx.idempotency.run(merchantId, 'CreateOrder', body.idempotency_key, body, create)
      : ctx.tx(create);
    return reply.code(result.status).send(result.body);
  });

  app.post('/v2/orders/calculate', async (request) => {
    const merchantId = request.merchant.id;
    const body = parse(calculateBody, request.body);
    // The emulator has no Loyalty API, so no reward tier exists.
    const reward = body.proposed_rewards?.[0];
    if (reward) throw errors.invalidValue('proposed_rewards[0].reward_tier_id', `Reward tier ${reward.reward_tier_id} not found.`);
    const input = compact<OrderInput>(body.order);
    const location = requireLocation(ctx, merchantId, input.location_id, 'order.location_id');
    const at = now();
    const order = buildOrder(input, at);
    delete order.id;
    return { order: priceOrder(order, pricingOf(ctx, merchantId, location)) };
  });

  app.get<{ Params: { order_id: string } }>('/v2/orders/:order_id', async (request) => ({
    order: requireOrder(ctx, request.merchant.id, request.params.order_id),
  }));

  app.post('/v2/orders/batch-retrieve', async (request) => {
    const merchantId = request.merchant.id;
    const body = parse(batchRetrieveBody, request.body);
    const orders = [...new Set(body.order_ids)]
      .map((id) => ctx.stores.orders.get(merchantId, id))
      .filter((o): o is Order => !!o && (!body.location_id || o.location_id === body.location_id));
    return orders.length ? { orders } : {};
  });

  app.post('/v2/orders/search', async (request) => searchOrders(ctx, request.merchant.id, parse(searchBody, request.body)));

  app.put<{ Params: { order_id: string } }>('/v2/orders/:order_id', async (request) => {
    const merchantId = request.merchant.id;
    const orderId = request.params.order_id;
    const body = parse(updateBody, request.body);
    const update = () => ({ status: 200, body: { order: updateOrder(ctx, merchantId, orderId, body) } });
    if (body.idempotency_key) ctx.idempotency.run(merchantId, 'UpdateOrder', body.idempotency_key, { orderId, body }, update);
    else ctx.tx(update);
    // Square answers a repeated update with the order's latest version.
    return { order: requireOrder(ctx, merchantId, orderId) };
  });

  app.post<{ Params: { order_id: string } }>('/v2/orders/:order_id/pay', async (request, reply) => {
    const merchantId = request.merchant.id;
    const orderId = request.params.order_id;
    const body = parse(payBody, request.body);
    const result = ctx.idempotency.run(merchantId, 'PayOrder', body.idempotency_key, { orderId, body }, () => ({
      status: 200,
      body: { order: payOrder(ctx, merchantId, orderId, body.payment_ids ?? [], body.order_version ?? undefined) },
    }));
    return reply.code(result.status).send(result.body);
  });

  app.post('/v2/orders/clone', async (request) => {
    const merchantId = request.merchant.id;
    const body = parse(cloneBody, request.body);
    const clone = () => ({ status: 200, body: { order: cloneOrder(ctx, merchantId, body.order_id, body.version ?? undefined) } });
    const result = body.idempotency_key
      ? ctx.idempotency.run(merchantId, 'CloneOrder', body.idempotency_key, body, clone)
      : ctx.tx(clone);
    const cloned = (result.body as { order: Order }).order;
    return { order: requireOrder(ctx, merchantId, cloned.id!) };
  });
}

// ---------------------------------------------------------------------------------------------
// Orders

function requireLocation(ctx: EmulatorContext, merchantId: string, locationId: string, field: string) {
  const location = ctx.stores.locations.get(merchantId, locationId);
  if (!location) throw errors.notFound(`Location ${locationId} not found.`, field);
  return location;
}

function pricingOf(ctx: EmulatorContext, merchantId: string, location: serialization.Location.Raw): PricingContext {
  return { currency: location.currency ?? 'USD', country: location.country ?? 'US', fromCatalog: catalogFiller(ctx, merchantId) };
}

function requireOrder(ctx: EmulatorContext, merchantId: string, orderId: string, field?: string): Order {
  const order = ctx.stores.orders.get(merchantId, orderId);
  if (!order) throw errors.notFound(`Order ${orderId} not found.`, field);
  return order;
}

function reprice(ctx: EmulatorContext, merchantId: string, order: Order): Order {
  return priceOrder(order, pricingOf(ctx, merchantId, requireLocation(ctx, merchantId, order.location_id, 'order.location_id')));
}

/** A new order from request fields: ids and uids assigned, version 1, not yet priced. */
function buildOrder(input: OrderInput, at: string): Order {
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
  return order;
}

function createOrder(ctx: EmulatorContext, merchantId: string, input: OrderInput): Order {
  const location = requireLocation(ctx, merchantId, input.location_id, 'order.location_id');
  if (input.state && input.state !== 'OPEN' && input.state !== 'DRAFT')
    throw errors.invalidValue('order.state', `An order can only be created in the OPEN or DRAFT state, not ${input.state}.`);
  if ((input.fulfillments?.length ?? 0) > 1)
    throw errors.invalidValue('order.fulfillments', 'Orders can only be created with at most one fulfillment.');
  const order = priceOrder(buildOrder(input, now()), pricingOf(ctx, merchantId, location));
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
function saveOrder(ctx: EmulatorContext, merchantId: string, changed: Order, at = now()): Order {
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
function close(order: Order, state: 'COMPLETED' | 'CANCELED', at: string): void {
  order.state = state;
  order.closed_at = at;
  if (state === 'COMPLETED' && order.line_items) order.line_items = order.line_items.filter((li) => !/^0+(\.0+)?$/.test(li.quantity));
}

// ---------------------------------------------------------------------------------------------
// SearchOrders

function searchOrders(ctx: EmulatorContext, merchantId: string, body: SearchBody) {
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
    items: ctx.stores.orders.all(merchantId).filter((s) => matches(s.doc)),
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

function timeBounds(range: { start_at?: string | null; end_at?: string | null }, field: string) {
  const parseTime = (value: string | null | undefined, name: string, fallback: number) => {
    if (value == null) return fallback;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw errors.invalid('INVALID_TIME', `Invalid RFC 3339 timestamp: ${value}`, `${field}.${name}`);
    return ms;
  };
  const start = parseTime(range.start_at, 'start_at', -Infinity);
  const end = parseTime(range.end_at, 'end_at', Infinity);
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

function updateOrder(ctx: EmulatorContext, merchantId: string, orderId: string, body: z.output<typeof updateBody>): Order {
  const existing = requireOrder(ctx, merchantId, orderId);
  const { version, state, location_id: locationId, ...fields } = compact<z.output<typeof sparseOrder>>(body.order);
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
  dropDanglingReferences(order);
  mergeSparse(order as unknown as Json, fields);
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

function cloneOrder(ctx: EmulatorContext, merchantId: string, orderId: string, version: number | undefined): Order {
  const source = requireOrder(ctx, merchantId, orderId, 'order_id');
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

// ---------------------------------------------------------------------------------------------
// Payments against orders

/** What the order's items and service charges come to, tips aside. */
function amountBeforeTips(order: Order): bigint {
  return BigInt(order.total_money?.amount ?? 0) - BigInt(order.total_tip_money?.amount ?? 0);
}

/** What tenders have paid towards the order, tips aside. */
function tendered(order: Order, except?: string | null): bigint {
  return (order.tenders ?? [])
    .filter((t) => !except || t.payment_id !== except)
    .reduce((acc, t) => acc + BigInt(t.amount_money?.amount ?? 0) - BigInt(t.tip_money?.amount ?? 0), 0n);
}

function payOrder(
  ctx: EmulatorContext,
  merchantId: string,
  orderId: string,
  paymentIds: string[],
  orderVersion: number | undefined,
): Order {
  const order = requireOrder(ctx, merchantId, orderId);
  if (orderVersion !== undefined && orderVersion !== order.version)
    throw errors.versionMismatch(`The order's version is ${order.version}, not ${orderVersion}.`, 'order_version');
  if (order.state !== 'OPEN') throw errors.badRequest(`Order ${orderId} is ${order.state} and cannot be paid.`);
  if (new Set(paymentIds).size !== paymentIds.length)
    throw errors.invalidValue('payment_ids', 'The same payment is listed more than once.');
  const payments = paymentIds.map((id) => {
    const payment = ctx.stores.payments.get(merchantId, id);
    if (!payment) throw errors.notFound(`Payment ${id} not found.`, 'payment_ids');
    if (payment.order_id !== orderId)
      throw errors.invalidValue('payment_ids', `Payment ${id} does not belong to order ${orderId}.`);
    if (payment.status !== 'APPROVED' && payment.status !== 'COMPLETED')
      throw errors.invalidValue('payment_ids', `Payment ${id} is ${payment.status}; only APPROVED or COMPLETED payments can pay an order.`);
    return payment;
  });
  const paying = payments.reduce((acc, p) => acc + BigInt(p.amount_money?.amount ?? 0), 0n);
  if (paying !== amountBeforeTips(order))
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'PAYMENT_AMOUNT_MISMATCH',
      `The payments total ${paying}, the order ${amountBeforeTips(order)}.`,
      'payment_ids',
    );
  for (const payment of payments) {
    if (payment.status === 'APPROVED') completePaymentRecord(ctx, merchantId, payment.id!);
    else addPaymentTender(ctx, merchantId, orderId, payment);
  }
  // Square cancels the order's other APPROVED payments: only the ones named pay it.
  for (const { doc } of ctx.stores.payments.all(merchantId)) {
    if (doc.order_id === orderId && doc.status === 'APPROVED' && !paymentIds.includes(doc.id!))
      cancelPaymentRecord(ctx, merchantId, doc.id!);
  }
  const paid = requireOrder(ctx, merchantId, orderId);
  if (paid.state !== 'OPEN') return paid;
  const at = now();
  close(paid, 'COMPLETED', at);
  return saveOrder(ctx, merchantId, paid, at);
}

/**
 * The order Square makes for a payment taken without one: OPEN at the payment's
 * location, with one CUSTOM_AMOUNT line item for the payment's amount (the tip
 * arrives with the tender), and the payment's customer.
 */
export function createOrderForPayment(ctx: EmulatorContext, merchantId: string, payment: Payment): Order {
  const locationId = payment.location_id ?? ctx.stores.locations.all(merchantId)[0]!.doc.id!;
  const input: OrderInput = {
    location_id: locationId,
    line_items: [
      {
        name: 'Custom Amount',
        quantity: '1',
        item_type: 'CUSTOM_AMOUNT',
        base_price_money: { amount: payment.amount_money?.amount ?? 0, currency: payment.amount_money?.currency ?? 'USD' },
      },
    ],
  };
  if (payment.customer_id) input.customer_id = payment.customer_id;
  return createOrder(ctx, merchantId, input);
}

/** Refuses a payment that cannot be taken against the order, with Square's errors. */
export function assertOrderPayable(ctx: EmulatorContext, merchantId: string, orderId: string, payment: Payment): Order {
  const order = requireOrder(ctx, merchantId, orderId, 'order_id');
  if (order.state !== 'OPEN')
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'BAD_REQUEST', `Order ${orderId} is ${order.state} and cannot take payments.`, 'order_id');
  if (payment.location_id && payment.location_id !== order.location_id)
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'LOCATION_MISMATCH',
      `Order ${orderId} is at location ${order.location_id}, the payment at ${payment.location_id}.`,
      'location_id',
    );
  const currency = order.total_money?.currency;
  if (payment.amount_money?.currency !== currency)
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'CURRENCY_MISMATCH',
      `Order ${orderId} is in ${currency}, the payment in ${payment.amount_money?.currency}.`,
      'amount_money.currency',
    );
  const pending = ctx.stores.payments
    .all(merchantId)
    .filter((s) => s.doc.order_id === orderId && s.doc.status === 'APPROVED' && s.doc.id !== payment.id)
    .reduce((acc, s) => acc + BigInt(s.doc.amount_money?.amount ?? 0), 0n);
  const remaining = amountBeforeTips(order) - tendered(order, payment.id) - pending;
  if (BigInt(payment.amount_money?.amount ?? 0) > remaining)
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'PAYMENT_AMOUNT_MISMATCH',
      `The payment's amount_money exceeds the ${remaining} that remains to be paid on order ${orderId}.`,
      'amount_money',
    );
  return order;
}

const TENDER_TYPES: Record<string, Tender['type']> = {
  CARD: 'CARD',
  CASH: 'CASH',
  BANK_ACCOUNT: 'BANK_ACCOUNT',
  WALLET: 'WALLET',
  BUY_NOW_PAY_LATER: 'BUY_NOW_PAY_LATER',
  SQUARE_ACCOUNT: 'SQUARE_ACCOUNT',
};

/** The tender a COMPLETED payment becomes on its order; its id is the payment's, as in Square. */
function tenderOf(order: Order, payment: Payment): Tender {
  const currency = payment.amount_money?.currency ?? undefined;
  const amount = BigInt(payment.amount_money?.amount ?? 0) + BigInt(payment.tip_money?.amount ?? 0);
  const giftCard = payment.card_details?.card?.card_brand === 'SQUARE_GIFT_CARD';
  const tender: Tender = {
    id: payment.id!,
    location_id: payment.location_id ?? order.location_id,
    transaction_id: order.id!,
    created_at: now(),
    amount_money: payment.total_money ?? { amount: computedAmount(amount), currency },
    type: giftCard ? 'SQUARE_GIFT_CARD' : (TENDER_TYPES[payment.source_type ?? ''] ?? 'OTHER'),
    payment_id: payment.id!,
  };
  if (payment.note) tender.note = payment.note;
  if (payment.tip_money) tender.tip_money = payment.tip_money;
  if (payment.processing_fee?.length)
    tender.processing_fee_money = {
      amount: computedAmount(payment.processing_fee.reduce((acc, fee) => acc + BigInt(fee.amount_money?.amount ?? 0), 0n)),
      currency,
    };
  if (payment.customer_id) tender.customer_id = payment.customer_id;
  if (payment.card_details) {
    tender.card_details = { status: 'CAPTURED' };
    if (payment.card_details.card) tender.card_details.card = payment.card_details.card;
    if (payment.card_details.entry_method)
      tender.card_details.entry_method = payment.card_details.entry_method as NonNullable<
        serialization.TenderCardDetails.Raw['entry_method']
      >;
  }
  if (payment.cash_details) {
    tender.cash_details = { buyer_tendered_money: payment.cash_details.buyer_supplied_money };
    if (payment.cash_details.change_back_money) tender.cash_details.change_back_money = payment.cash_details.change_back_money;
  }
  if (payment.bank_account_details) tender.bank_account_details = { status: 'COMPLETED' };
  return tender;
}

/**
 * Records a COMPLETED payment as a tender on its order (once per payment) and closes
 * the order when its tenders cover the total.
 */
export function addPaymentTender(ctx: EmulatorContext, merchantId: string, orderId: string, payment: Payment): Order {
  const order = requireOrder(ctx, merchantId, orderId, 'order_id');
  if ((order.tenders ?? []).some((t) => t.payment_id === payment.id)) return order;
  order.tenders = [...(order.tenders ?? []), tenderOf(order, payment)];
  const at = now();
  const priced = reprice(ctx, merchantId, order);
  if (priced.state === 'OPEN' && BigInt(priced.net_amount_due_money?.amount ?? 0) === 0n) close(priced, 'COMPLETED', at);
  return saveOrder(ctx, merchantId, priced, at);
}

const REFUND_STATUSES: Record<string, serialization.RefundStatus.Raw> = {
  PENDING: 'PENDING',
  COMPLETED: 'APPROVED',
  REJECTED: 'REJECTED',
  FAILED: 'FAILED',
};

/**
 * Records a payment refund on its order (or its new status, when called again for
 * the same refund). Refunded money shows in the order's return_amounts and comes
 * off its net_amounts; the tender it refunds is the payment's.
 */
export function addRefundToOrder(
  ctx: EmulatorContext,
  merchantId: string,
  orderId: string,
  refund: serialization.PaymentRefund.Raw,
): Order {
  const order = requireOrder(ctx, merchantId, orderId, 'order_id');
  const entry: serialization.Refund.Raw = {
    id: refund.id,
    location_id: refund.location_id ?? order.location_id,
    transaction_id: order.id!,
    created_at: refund.created_at ?? now(),
    reason: refund.reason ?? '',
    amount_money: refund.amount_money,
    status: REFUND_STATUSES[refund.status ?? ''] ?? 'PENDING',
  };
  if (refund.payment_id) entry.tender_id = refund.payment_id;
  const refunds = order.refunds ?? [];
  const index = refunds.findIndex((r) => r.id === refund.id);
  if (index >= 0 && stringifyJson(refunds[index]) === stringifyJson(entry)) return order;
  order.refunds = index >= 0 ? refunds.map((r, i) => (i === index ? entry : r)) : [...refunds, entry];
  return saveOrder(ctx, merchantId, order);
}
