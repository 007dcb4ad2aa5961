import type { FastifyInstance } from 'fastify';
import { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { payOrder } from '../domain/order-payments.js';
import {
  batchRetrieveOrders,
  calculateOrder,
  checkMetadata,
  cloneOrder,
  createOrder,
  searchOrders,
  updateOrder,
} from '../domain/orders.js';
import { errors } from '../plumbing/errors.js';
import { compact, parseRequest, rulesUnder, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** A fulfillment recipient's limits, the same for pickups, shipments and deliveries. */
const recipient = (details: string): FieldRules => ({
  [`${details}.recipient.customer_id`]: { max: 191 },
  [`${details}.recipient.display_name`]: { max: 255 },
  [`${details}.recipient.email_address`]: { max: 255 },
  [`${details}.recipient.phone_number`]: { max: 17 },
});

/** What Square states for an order's fields beyond the SDK's schema; `[]` stands for each element of a list. */
const ORDER_RULES: FieldRules = {
  location_id: { min: 1 },
  reference_id: { max: 40 },
  customer_id: { max: 191 },
  ticket_name: { max: 30 },
  'line_items[].uid': { max: 60 },
  'line_items[].name': { max: 512 },
  'line_items[].quantity': { min: 1, max: 12 },
  'line_items[].note': { max: 2000 },
  'line_items[].catalog_object_id': { max: 192 },
  'line_items[].variation_name': { max: 400 },
  'line_items[].modifiers[].uid': { max: 60 },
  'line_items[].modifiers[].catalog_object_id': { max: 192 },
  'line_items[].modifiers[].name': { max: 255 },
  'line_items[].applied_taxes[].uid': { max: 60 },
  'line_items[].applied_taxes[].tax_uid': { min: 1, max: 60 },
  'line_items[].applied_discounts[].uid': { max: 60 },
  'line_items[].applied_discounts[].discount_uid': { min: 1, max: 60 },
  'line_items[].applied_service_charges[].uid': { max: 60 },
  'line_items[].applied_service_charges[].service_charge_uid': { min: 1, max: 60 },
  'line_items[].pricing_blocklists.blocked_discounts[].uid': { max: 60 },
  'line_items[].pricing_blocklists.blocked_discounts[].discount_uid': { max: 60 },
  'line_items[].pricing_blocklists.blocked_discounts[].discount_catalog_object_id': { max: 192 },
  'line_items[].pricing_blocklists.blocked_taxes[].uid': { max: 60 },
  'line_items[].pricing_blocklists.blocked_taxes[].tax_uid': { max: 60 },
  'line_items[].pricing_blocklists.blocked_taxes[].tax_catalog_object_id': { max: 192 },
  'taxes[].uid': { max: 60 },
  'taxes[].catalog_object_id': { max: 192 },
  'taxes[].name': { max: 255 },
  'taxes[].percentage': { max: 10 },
  'discounts[].uid': { max: 60 },
  'discounts[].catalog_object_id': { max: 192 },
  'discounts[].name': { max: 255 },
  'discounts[].percentage': { max: 10 },
  'service_charges[].uid': { max: 60 },
  'service_charges[].name': { max: 512 },
  'service_charges[].catalog_object_id': { max: 192 },
  'service_charges[].percentage': { max: 10 },
  'service_charges[].applied_taxes[].uid': { max: 60 },
  'service_charges[].applied_taxes[].tax_uid': { min: 1, max: 60 },
  'fulfillments[].uid': { max: 60 },
  ...recipient('fulfillments[].pickup_details'),
  'fulfillments[].pickup_details.note': { max: 500 },
  'fulfillments[].pickup_details.cancel_reason': { max: 100 },
  'fulfillments[].pickup_details.curbside_pickup_details.curbside_details': { max: 250 },
  ...recipient('fulfillments[].shipment_details'),
  'fulfillments[].shipment_details.carrier': { max: 50 },
  'fulfillments[].shipment_details.shipping_note': { max: 500 },
  'fulfillments[].shipment_details.shipping_type': { max: 50 },
  'fulfillments[].shipment_details.tracking_number': { max: 100 },
  'fulfillments[].shipment_details.tracking_url': { max: 2000 },
  'fulfillments[].shipment_details.cancel_reason': { max: 100 },
  'fulfillments[].shipment_details.failure_reason': { max: 100 },
  ...recipient('fulfillments[].delivery_details'),
  'fulfillments[].delivery_details.note': { max: 550 },
  'fulfillments[].delivery_details.cancel_reason': { max: 100 },
  'fulfillments[].delivery_details.dropoff_notes': { max: 550 },
  'fulfillments[].delivery_details.courier_provider_name': { max: 255 },
  'fulfillments[].delivery_details.courier_support_phone_number': { max: 17 },
  'fulfillments[].delivery_details.square_delivery_id': { max: 50 },
  'fulfillments[].delivery_details.external_delivery_id': { max: 50 },
};

const orderRules = rulesUnder('order', ORDER_RULES);

/** CreateOrder and UpdateOrder. */
const WRITE_RULES: FieldRules = { ...orderRules, idempotency_key: { max: 192 } };

const CALCULATE_RULES: FieldRules = {
  ...orderRules,
  'proposed_rewards[].id': { min: 1 },
  'proposed_rewards[].reward_tier_id': { min: 1 },
};

const PAY_RULES: FieldRules = { idempotency_key: { min: 1, max: 192 } };

/**
 * BatchRetrieveOrders' and SearchOrders' list sizes and page size, which the spec states in prose
 * (at most 100 order ids, 10 locations, customers or sources, 1000 orders a page); an empty list of
 * ids, locations or states would ask for nothing and is refused.
 */
const BATCH_RETRIEVE_RULES: FieldRules = { order_ids: { min: 1, max: 100 } };

const SEARCH_RULES: FieldRules = {
  location_ids: { required: true, min: 1, max: 10 },
  limit: { min: 1, max: 1000 },
  'query.filter.state_filter.states': { min: 1 },
  'query.filter.source_filter.source_names': { max: 10 },
  'query.filter.customer_filter.customer_ids': { max: 10 },
};

/**
 * `parseRequest` for the Orders API, with Square's metadata rules. UpdateOrder's order is sparse
 * (Square's own example names neither location_id nor every line item's quantity): there the fields
 * the Order schema requires are not required.
 */
function parseOrders<Raw>(schema: Parameters<typeof parseRequest<Raw>>[0], input: unknown, rules: FieldRules, sparse = false): Raw {
  const body = parseRequest(schema, input, rules, sparse ? { sparse: 'order' } : {});
  checkMetadata(body, '');
  return body;
}

export const ORDER_ENDPOINTS: Endpoints = {
  'POST /orders': { response: 'CreateOrderResponse', scopes: ['ORDERS_WRITE'] }, // CreateOrder
  'POST /orders/calculate': { response: 'CalculateOrderResponse', scopes: [] }, // CalculateOrder (the spec lists no scope: any OAuth token may call it)
  'GET /orders/:order_id': { response: 'GetOrderResponse', scopes: ['ORDERS_READ'] }, // RetrieveOrder
  'POST /orders/batch-retrieve': { response: 'BatchGetOrdersResponse', scopes: ['ORDERS_READ'] }, // BatchRetrieveOrders
  'POST /orders/search': { response: 'SearchOrdersResponse', scopes: ['ORDERS_READ'] }, // SearchOrders
  'PUT /orders/:order_id': { response: 'UpdateOrderResponse', scopes: ['ORDERS_WRITE'] }, // UpdateOrder
  'POST /orders/:order_id/pay': { response: 'PayOrderResponse', scopes: ['PAYMENTS_WRITE', 'ORDERS_WRITE'] }, // PayOrder
  'POST /orders/clone': { response: 'CloneOrderResponse', scopes: ['ORDERS_WRITE'] }, // CloneOrder
};

/**
 * Orders API: create, retrieve, batch retrieve, search, update (sparse, with
 * fields_to_clear), pay, calculate and clone. Every stored order is priced by
 * domain/order-totals.ts; payments add tenders and refunds through domain/order-payments.ts.
 */
export function registerOrders(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/orders', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseOrders(serialization.CreateOrderRequest, request.body, WRITE_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateOrder', key: body.idempotency_key, request: body }, () => ({
      order: createOrder(ctx, merchantId, compact(body.order)),
    }));
  });

  app.post('/orders/calculate', async (request) => ({
    order: calculateOrder(ctx, request.merchant.id, parseOrders(serialization.CalculateOrderRequest, request.body, CALCULATE_RULES)),
  }));

  app.get<{ Params: { order_id: string } }>('/orders/:order_id', async (request) => ({
    order: ctx.stores.orders.require(request.merchant.id, request.params.order_id),
  }));

  app.post('/orders/batch-retrieve', async (request) => {
    const body = parseOrders(serialization.BatchGetOrdersRequest, request.body, BATCH_RETRIEVE_RULES);
    const orders = batchRetrieveOrders(ctx, request.merchant.id, body);
    return orders.length ? { orders } : {};
  });

  app.post('/orders/search', async (request) => {
    const body = parseOrders(serialization.SearchOrdersRequest, request.body, SEARCH_RULES);
    return searchOrders(ctx, request.merchant.id, body);
  });

  app.put<{ Params: { order_id: string } }>('/orders/:order_id', async (request) => {
    const merchantId = request.merchant.id;
    const orderId = request.params.order_id;
    const body = parseOrders(serialization.UpdateOrderRequest, request.body, WRITE_RULES, true);
    // The order's version is what a sparse update cannot do without: it is how Square refuses a stale one.
    if (body.order?.version == null) throw errors.missing('order.version');
    ctx.idempotency.answer({ merchantId, endpoint: 'UpdateOrder', key: body.idempotency_key, request: { orderId, body } }, () =>
      updateOrder(ctx, merchantId, orderId, body),
    );
    // Square answers a repeated update with the order's latest version.
    return { order: ctx.stores.orders.require(merchantId, orderId) };
  });

  app.post<{ Params: { order_id: string } }>('/orders/:order_id/pay', async (request, reply) => {
    const merchantId = request.merchant.id;
    const orderId = request.params.order_id;
    const body = parseOrders(serialization.PayOrderRequest, request.body, PAY_RULES);
    const scope = { merchantId, endpoint: 'PayOrder', key: body.idempotency_key, request: { orderId, body } };
    return ctx.idempotency.send(reply, scope, () => ({
      order: payOrder(ctx, merchantId, orderId, body.payment_ids ?? [], body.order_version ?? undefined),
    }));
  });

  app.post('/orders/clone', async (request) => {
    const merchantId = request.merchant.id;
    const body = parseOrders(serialization.CloneOrderRequest, request.body, {});
    const { body: cloned } = ctx.idempotency.answer(
      { merchantId, endpoint: 'CloneOrder', key: body.idempotency_key, request: body },
      () => cloneOrder(ctx, merchantId, body.order_id, body.version ?? undefined),
    );
    // Square answers a repeated clone with the clone's latest version.
    return { order: ctx.stores.orders.require(merchantId, (cloned as { id: string }).id) };
  });
}
