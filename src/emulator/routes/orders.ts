import type { FastifyInstance } from 'fastify';
import type { serialization } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { payOrder } from '../domain/order-payments.js';
import {
  batchRetrieveOrders,
  calculateOrder,
  cloneOrder,
  createOrder,
  searchOrders,
  updateOrder,
} from '../domain/orders.js';
import { compact, parse, shapes } from '../validation.js';

const ORDER_STATES = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'] as const;

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

/**
 * Orders API: create, retrieve, batch retrieve, search, update (sparse, with
 * fields_to_clear), pay, calculate and clone. Every stored order is priced by
 * order-totals.ts; payments add tenders and refunds through the exports below.
 */
export function registerOrders(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/orders', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(createBody, request.body);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateOrder', key: body.idempotency_key, request: body }, () => ({
      order: createOrder(ctx, merchantId, compact(body.order)),
    }));
  });

  app.post('/orders/calculate', async (request) => ({
    order: calculateOrder(ctx, request.merchant.id, parse(calculateBody, request.body) as serialization.CalculateOrderRequest.Raw),
  }));

  app.get<{ Params: { order_id: string } }>('/orders/:order_id', async (request) => ({
    order: ctx.stores.orders.require(request.merchant.id, request.params.order_id),
  }));

  app.post('/orders/batch-retrieve', async (request) => {
    const orders = batchRetrieveOrders(ctx, request.merchant.id, parse(batchRetrieveBody, request.body));
    return orders.length ? { orders } : {};
  });

  app.post('/orders/search', async (request) => searchOrders(ctx, request.merchant.id, parse(searchBody, request.body)));

  app.put<{ Params: { order_id: string } }>('/orders/:order_id', async (request) => {
    const merchantId = request.merchant.id;
    const orderId = request.params.order_id;
    const body = parse(updateBody, request.body);
    ctx.idempotency.answer({ merchantId, endpoint: 'UpdateOrder', key: body.idempotency_key, request: { orderId, body } }, () =>
      updateOrder(ctx, merchantId, orderId, body as serialization.UpdateOrderRequest.Raw),
    );
    // Square answers a repeated update with the order's latest version.
    return { order: ctx.stores.orders.require(merchantId, orderId) };
  });

  app.post<{ Params: { order_id: string } }>('/orders/:order_id/pay', async (request, reply) => {
    const merchantId = request.merchant.id;
    const orderId = request.params.order_id;
    const body = parse(payBody, request.body);
    const scope = { merchantId, endpoint: 'PayOrder', key: body.idempotency_key, request: { orderId, body } };
    return ctx.idempotency.send(reply, scope, () => ({
      order: payOrder(ctx, merchantId, orderId, body.payment_ids ?? [], body.order_version ?? undefined),
    }));
  });

  app.post('/orders/clone', async (request) => {
    const merchantId = request.merchant.id;
    const body = parse(cloneBody, request.body);
    const { body: cloned } = ctx.idempotency.answer(
      { merchantId, endpoint: 'CloneOrder', key: body.idempotency_key, request: body },
      () => cloneOrder(ctx, merchantId, body.order_id, body.version ?? undefined),
    );
    // Square answers a repeated clone with the clone's latest version.
    return { order: ctx.stores.orders.require(merchantId, (cloned as { id: string }).id) };
  });
}
