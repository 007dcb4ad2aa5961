import { randomUUID } from 'node:crypto';
import type { Square, serialization } from 'square';
import { describe, expect, it } from 'vitest';
import { addPaymentTender, addRefundToOrder, assertOrderPayable, createOrderForPayment } from '../../src/emulator/domain/order-payments.js';
import { newId } from '../../src/emulator/plumbing/ids.js';
import { useEmulator } from '../support/emulator.js';
import { merchantEvents, newMerchant, wireUsd as usd } from '../support/fixtures.js';

const square = useEmulator();

/** A fresh merchant with raw JSON calls, so that amounts are checked as they go over the wire. */
async function merchant() {
  const { token, client, merchantId } = newMerchant(square);
  const call = (method: string, path: string, body?: unknown) => square.raw(method, path, { token, body });
  const { body } = await call('GET', '/v2/locations');
  const locationId: string = body.locations[0].id;
  const create = async (order: Record<string, unknown>, key: string = randomUUID()) => {
    const response = await call('POST', '/v2/orders', { idempotency_key: key, order: { location_id: locationId, ...order } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.order;
  };
  return { token, call, merchantId, locationId, create, client };
}

const item = (amount: number, quantity = '1', extra: Record<string, unknown> = {}) => ({
  name: `Item ${amount}`,
  quantity,
  base_price_money: usd(amount),
  ...extra,
});

function payment(ctx: Awaited<ReturnType<typeof merchant>>, fields: Partial<serialization.Payment.Raw>): serialization.Payment.Raw {
  const id = newId.payment();
  const at = new Date().toISOString();
  const doc: serialization.Payment.Raw = {
    id,
    created_at: at,
    updated_at: at,
    amount_money: usd(0),
    total_money: usd(Number(fields.amount_money?.amount ?? 0) + Number(fields.tip_money?.amount ?? 0)),
    status: 'COMPLETED',
    source_type: 'CARD',
    location_id: ctx.locationId,
    card_details: {
      status: 'CAPTURED',
      card: { card_brand: 'VISA', last_4: '1111', exp_month: 12, exp_year: 2030 },
      entry_method: 'KEYED',
    },
    version_token: newId.versionToken(),
    ...fields,
  };
  square.emulator.ctx.stores.payments.insert(ctx.merchantId, id, doc);
  return doc;
}

describe('order totals', () => {
  it("prices Square's documented CreateOrder example exactly (modifier, two order percentages, an item amount, order tax)", async () => {
    const m = await merchant();
    const order = await m.create({
      line_items: [
        item(1599),
        item(2200, '2', { modifiers: [{ name: 'Well', base_price_money: usd(50) }], applied_discounts: [{ discount_uid: 'one-dollar-off' }] }),
      ],
      discounts: [
        { uid: 'membership', name: 'Membership', percentage: '0.5', type: 'FIXED_PERCENTAGE', scope: 'ORDER' },
        { uid: 'labor-day', name: 'Labor Day', percentage: '5', type: 'FIXED_PERCENTAGE', scope: 'ORDER' },
        { uid: 'one-dollar-off', amount_money: usd(100), type: 'FIXED_AMOUNT', scope: 'LINE_ITEM' },
      ],
      taxes: [{ uid: 'state', name: 'State Sales Tax', percentage: '9', scope: 'ORDER' }],
    });
    const [steak, ny] = order.line_items;
    expect(steak.applied_discounts.map((a: any) => [a.discount_uid, a.applied_money.amount])).toEqual([
      ['membership', 8],
      ['labor-day', 79],
    ]);
    expect(steak).toMatchObject({
      gross_sales_money: usd(1599),
      total_discount_money: usd(87),
      total_tax_money: usd(136),
      total_money: usd(1648),
      total_service_charge_money: usd(0),
      variation_total_price_money: usd(1599),
      item_type: 'ITEM',
    });
    expect(ny.modifiers[0].total_price_money).toEqual(usd(100));
    expect(Object.fromEntries(ny.applied_discounts.map((a: any) => [a.discount_uid, a.applied_money.amount]))).toEqual({
      'one-dollar-off': 100,
      membership: 22,
      'labor-day': 224,
    });
    expect(ny).toMatchObject({
      variation_total_price_money: usd(4400),
      gross_sales_money: usd(4500),
      total_discount_money: usd(346),
      total_tax_money: usd(374),
      total_money: usd(4528),
    });
    expect(order.discounts.map((d: any) => d.applied_money.amount)).toEqual([30, 303, 100]);
    expect(order.taxes[0]).toMatchObject({ type: 'ADDITIVE', applied_money: usd(510) });
    expect(order).toMatchObject({
      total_money: usd(6176),
      total_tax_money: usd(510),
      total_discount_money: usd(433),
      total_tip_money: usd(0),
      total_service_charge_money: usd(0),
      net_amount_due_money: usd(6176),
      net_amounts: {
        total_money: usd(6176),
        tax_money: usd(510),
        discount_money: usd(433),
        tip_money: usd(0),
        service_charge_money: usd(0),
      },
    });
  });

  it('rounds quantities half to even and needs a quantity_unit for decimal quantities', async () => {
    const m = await merchant();
    const unit = { quantity_unit: { precision: 1 } };
    const order = await m.create({ line_items: [item(333, '1.5', unit), item(101, '2.5', unit), item(250, '3')] });
    // 499.5 → 500 (to even), 252.5 → 252 (to even)
    expect(order.line_items.map((li: any) => li.total_money.amount)).toEqual([500, 252, 750]);
    expect(order.total_money).toEqual(usd(1502));

    const bad = await m.call('POST', '/v2/orders', { order: { location_id: m.locationId, line_items: [item(100, '1.5')] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'order.line_items[0].quantity' });
    const tooPrecise = await m.call('POST', '/v2/orders', {
      order: { location_id: m.locationId, line_items: [item(100, '1.25', unit)] },
    });
    expect(tooPrecise.status).toBe(400);
    const malformed = await m.call('POST', '/v2/orders', { order: { location_id: m.locationId, line_items: [item(100, 'two')] } });
    expect(malformed.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'order.line_items[0].quantity' });
  });

  it('applies item percentages before order percentages, and rounds the order-level amount half to even before apportioning it', async () => {
    const m = await merchant();
    const order = await m.create({
      line_items: [item(800, '1', { applied_discounts: [{ discount_uid: 'eighth-off' }] }), item(500, '2')],
      discounts: [
        { uid: 'order-pct', name: '2.5% off', percentage: '2.5', type: 'FIXED_PERCENTAGE', scope: 'ORDER' },
        { uid: 'eighth-off', name: '12.5% off', percentage: '12.5', type: 'FIXED_PERCENTAGE', scope: 'LINE_ITEM' },
      ],
    });
    // 12.5% of 800 = 100; then 2.5% of (700 + 1000) = 42.5 → 42, split 17.29 / 24.71 → 17 / 25.
    const [a, b] = order.line_items;
    expect(Object.fromEntries(a.applied_discounts.map((x: any) => [x.discount_uid, x.applied_money.amount]))).toEqual({
      'eighth-off': 100,
      'order-pct': 17,
    });
    expect(b.applied_discounts[0].applied_money).toEqual(usd(25));
    expect(order.discounts.map((d: any) => d.applied_money.amount)).toEqual([42, 100]);
    expect([a.total_money.amount, b.total_money.amount]).toEqual([683, 975]);
    expect(order.total_money).toEqual(usd(1658));
  });

  it('apportions a fixed order discount by largest remainder and taxes the discounted amounts', async () => {
    const m = await merchant();
    const order = await m.create({
      line_items: [item(1000), item(3000)],
      discounts: [{ uid: 'd', name: '$1.01 off', amount_money: usd(101), type: 'FIXED_AMOUNT', scope: 'ORDER' }],
      taxes: [{ uid: 't', name: 'SF', percentage: '8.625', scope: 'ORDER' }],
    });
    const [a, b] = order.line_items;
    expect([a.total_discount_money.amount, b.total_discount_money.amount]).toEqual([25, 76]);
    // 8.625% of 3899 = 336.29 → 336, split 84.02 / 251.98 → 84 / 252.
    expect([a.total_tax_money.amount, b.total_tax_money.amount]).toEqual([84, 252]);
    expect(order).toMatchObject({ total_money: usd(4235), total_tax_money: usd(336), total_discount_money: usd(101) });
  });

  it('takes a line-item fixed amount off each line that references it, never below zero', async () => {
    const m = await merchant();
    const order = await m.create({
      line_items: [item(50, '1', { applied_discounts: [{ discount_uid: 'd' }] }), item(400, '3', { applied_discounts: [{ discount_uid: 'd' }] }), item(70)],
      discounts: [{ uid: 'd', name: '$1 off', amount_money: usd(100), type: 'FIXED_AMOUNT', scope: 'LINE_ITEM' }],
    });
    expect(order.line_items.map((li: any) => li.total_discount_money.amount)).toEqual([50, 100, 0]);
    expect(order.line_items[2].applied_discounts).toEqual([]);
    expect(order.discounts[0].applied_money).toEqual(usd(150));
    expect(order.total_money).toEqual(usd(1170));
  });

  it('extracts inclusive taxes from the price (outside gross sales in the US) and adds additive taxes on the net amount', async () => {
    const m = await merchant();
    const order = await m.create({
      line_items: [item(1000, '1', { applied_taxes: [{ tax_uid: 'extra' }] }), item(2000)],
      taxes: [
        { uid: 'vat', name: 'VAT', percentage: '10', type: 'INCLUSIVE', scope: 'ORDER' },
        { uid: 'extra', name: 'Extra', percentage: '5', type: 'ADDITIVE', scope: 'LINE_ITEM' },
      ],
    });
    const [a, b] = order.line_items;
    // 1000 / 1.1 → 90.91 of tax; 3000 in all → 272.73 → 273, split 90.91 / 181.82 → 91 / 182.
    expect(a).toMatchObject({ gross_sales_money: usd(909), total_tax_money: usd(136), total_money: usd(1045) });
    expect(Object.fromEntries(a.applied_taxes.map((x: any) => [x.tax_uid, x.applied_money.amount]))).toEqual({ extra: 45, vat: 91 });
    expect(b).toMatchObject({ gross_sales_money: usd(1818), total_tax_money: usd(182), total_money: usd(2000) });
    expect(order.taxes.map((t: any) => t.applied_money.amount)).toEqual([273, 45]);
    expect(order).toMatchObject({ total_money: usd(3045), total_tax_money: usd(318) });
  });

  it('prices subtotal-phase (taxable) and total-phase service charges', async () => {
    const m = await merchant();
    const order = await m.create({
      line_items: [item(2000)],
      taxes: [{ uid: 't', name: 'Tax', percentage: '5', scope: 'ORDER' }],
      service_charges: [
        { name: 'Service', percentage: '10', calculation_phase: 'SUBTOTAL_PHASE', taxable: true },
        { name: 'Delivery', amount_money: usd(300), calculation_phase: 'TOTAL_PHASE' },
      ],
    });
    expect(order.service_charges[0]).toMatchObject({
      applied_money: usd(200),
      total_tax_money: usd(10),
      total_money: usd(210),
      type: 'CUSTOM',
    });
    expect(order.service_charges[0].applied_taxes[0]).toMatchObject({ tax_uid: 't', applied_money: usd(10) });
    expect(order.service_charges[1]).toMatchObject({ applied_money: usd(300), total_money: usd(300), total_tax_money: usd(0) });
    expect(order.taxes[0].applied_money).toEqual(usd(110));
    expect(order).toMatchObject({ total_money: usd(2610), total_tax_money: usd(110), total_service_charge_money: usd(500) });

    const taxable = await m.call('POST', '/v2/orders', {
      order: { location_id: m.locationId, service_charges: [{ amount_money: usd(1), calculation_phase: 'TOTAL_PHASE', taxable: true }] },
    });
    expect(taxable.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'order.service_charges[0].taxable' });
  });

  it('refuses bad references, prices, currencies, percentages and catalog ids', async () => {
    const m = await merchant();
    const fails = async (order: Record<string, unknown>, status: number, code: string, field: string) => {
      const r = await m.call('POST', '/v2/orders', { order: { location_id: m.locationId, ...order } });
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.errors[0]).toMatchObject({ code, field });
    };
    await fails({ line_items: [item(1, '1', { applied_taxes: [{ tax_uid: 'nope' }] })] }, 400, 'INVALID_VALUE', 'order.line_items[0].applied_taxes[0].tax_uid');
    await fails({ line_items: [{ name: 'x', quantity: '1' }] }, 400, 'MISSING_REQUIRED_PARAMETER', 'order.line_items[0].base_price_money');
    await fails({ line_items: [{ quantity: '1', base_price_money: { amount: 1, currency: 'EUR' } }] }, 400, 'INVALID_VALUE', 'order.line_items[0].base_price_money');
    await fails({ discounts: [{ percentage: '101', type: 'FIXED_PERCENTAGE' }] }, 400, 'INVALID_VALUE', 'order.discounts[0].percentage');
    await fails({ discounts: [{ percentage: '10' }] }, 400, 'MISSING_REQUIRED_PARAMETER', 'order.discounts[0].type');
    await fails({ taxes: [{ percentage: 'ten' }] }, 400, 'INVALID_VALUE', 'order.taxes[0].percentage');
    await fails({ line_items: [{ quantity: '1', catalog_object_id: 'BEMYCSMIJL46OCDV4KYIKXIB' }] }, 404, 'NOT_FOUND', 'order.line_items[0].catalog_object_id');
    await fails({ state: 'COMPLETED' }, 400, 'INVALID_VALUE', 'order.state');
    await fails({ location_id: 'LNOPE' }, 404, 'NOT_FOUND', 'order.location_id');
    await fails({ line_items: [{ base_price_money: usd(1) }] }, 400, 'MISSING_REQUIRED_PARAMETER', 'order.line_items[0].quantity');
    await fails({ reference_id: 'x'.repeat(41) }, 400, 'VALUE_TOO_LONG', 'order.reference_id');
  });
});

describe('CreateOrder', () => {
  it('creates an OPEN order at version 1 with uids, a source and timestamps, and emits order.created', async () => {
    const m = await merchant();
    const { order } = await m.client.orders.create({
      idempotencyKey: randomUUID(),
      order: {
        locationId: m.locationId,
        referenceId: 'ref-1',
        customerId: 'CUST1',
        lineItems: [{ name: 'Coffee', quantity: '1', basePriceMoney: { amount: 450n, currency: 'USD' }, note: 'oat' }],
        metadata: { table: '7' },
      },
    });
    expect(order).toMatchObject({ state: 'OPEN', version: 1, referenceId: 'ref-1', customerId: 'CUST1', source: { name: 'Square Emulator' } });
    expect(order!.id).toMatch(/^[A-Za-z0-9]{27}$/);
    expect(order!.lineItems![0]!.uid).toBeTruthy();
    expect(order!.createdAt).toBe(order!.updatedAt);
    expect(order!.totalMoney).toEqual({ amount: 450n, currency: 'USD' });
    const [event] = merchantEvents(square, m.merchantId, 'order.created').filter((e) => e.data.id === order!.id);
    expect(event).toMatchObject({ location_id: m.locationId, data: { type: 'order', id: order!.id } });
    expect(event!.data.object).toEqual({
      order_created: { order_id: order!.id, version: 1, location_id: m.locationId, state: 'OPEN', created_at: order!.createdAt },
    });
  });

  it('replays the same idempotency key and refuses it for another order', async () => {
    const m = await merchant();
    const body = { idempotency_key: 'same-key', order: { location_id: m.locationId, line_items: [item(100)] } };
    const first = await m.call('POST', '/v2/orders', body);
    const again = await m.call('POST', '/v2/orders', body);
    expect(again.body.order.id).toBe(first.body.order.id);
    const other = await m.call('POST', '/v2/orders', { ...body, order: { ...body.order, reference_id: 'x' } });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    const long = await m.call('POST', '/v2/orders', { ...body, idempotency_key: 'k'.repeat(193) });
    expect(long.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'idempotency_key' });
    expect(square.emulator.ctx.stores.orders.all(m.merchantId)).toHaveLength(1);
  });

  it('creates DRAFT orders on request and at most one fulfillment', async () => {
    const m = await merchant();
    const draft = await m.create({ state: 'DRAFT', fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: { display_name: 'Ada' } } }] });
    expect(draft.state).toBe('DRAFT');
    expect(draft.fulfillments[0]).toMatchObject({ type: 'PICKUP', state: 'PROPOSED' });
    expect(draft.total_money).toEqual(usd(0));
    const two = await m.call('POST', '/v2/orders', {
      order: { location_id: m.locationId, fulfillments: [{ type: 'PICKUP' }, { type: 'SHIPMENT' }] },
    });
    expect(two.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'order.fulfillments' });
  });
});

describe('RetrieveOrder and BatchRetrieveOrders', () => {
  it('retrieves by id, 404s unknown ids and never shows another merchant the order', async () => {
    const m = await merchant();
    const order = await m.create({ line_items: [item(100)] });
    expect((await m.client.orders.get({ orderId: order.id })).order?.id).toBe(order.id);
    const missing = await m.call('GET', '/v2/orders/NOPE');
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe('NOT_FOUND');
    const other = await merchant();
    expect((await other.call('GET', `/v2/orders/${order.id}`)).status).toBe(404);
  });

  it('batch-retrieves known ids, skipping unknown ones and other locations', async () => {
    const m = await merchant();
    const a = await m.create({});
    const b = await m.create({});
    const { orders } = await m.client.orders.batchGet({ orderIds: [a.id, 'UNKNOWN', b.id, a.id] });
    expect(orders!.map((o) => o.id)).toEqual([a.id, b.id]);
    expect((await m.call('POST', '/v2/orders/batch-retrieve', { order_ids: ['UNKNOWN'] })).body).toEqual({});
    expect((await m.call('POST', '/v2/orders/batch-retrieve', { location_id: 'LOTHER', order_ids: [a.id] })).body).toEqual({});
    const other = await merchant();
    expect((await other.call('POST', '/v2/orders/batch-retrieve', { order_ids: [a.id] })).body).toEqual({});
    const tooMany = await m.call('POST', '/v2/orders/batch-retrieve', { order_ids: Array.from({ length: 101 }, (_, i) => `id${i}`) });
    expect(tooMany.body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_LONG', field: 'order_ids' });
    const none = await m.call('POST', '/v2/orders/batch-retrieve', { order_ids: [] });
    expect(none.status).toBe(400);
  });
});

describe('CalculateOrder', () => {
  it("prices an order without storing it, as in Square's example", async () => {
    const m = await merchant();
    const { body } = await m.call('POST', '/v2/orders/calculate', {
      order: {
        location_id: m.locationId,
        discounts: [{ name: '50% Off', percentage: '50', scope: 'ORDER', type: 'FIXED_PERCENTAGE' }],
        line_items: [item(500), item(300, '2')],
      },
    });
    expect(body.order.id).toBeUndefined();
    expect(body.order).toMatchObject({ state: 'OPEN', version: 1, total_money: usd(550), total_discount_money: usd(550) });
    expect(body.order.line_items.map((li: any) => li.total_money.amount)).toEqual([250, 300]);
    expect(square.emulator.ctx.stores.orders.all(m.merchantId)).toHaveLength(0);
    const rewards = await m.call('POST', '/v2/orders/calculate', {
      order: { location_id: m.locationId },
      proposed_rewards: [{ id: 'r', reward_tier_id: 'tier' }],
    });
    expect(rewards.status).toBe(400);
    expect((await m.call('POST', '/v2/orders/calculate', {})).body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'order' });
  });
});

describe('UpdateOrder', () => {
  it('applies a sparse update, bumps the version and emits order.updated', async () => {
    const m = await merchant();
    const order = await m.create({
      line_items: [item(500, '1', { uid: 'coffee', note: 'hot' })],
      discounts: [{ uid: 'half', name: 'Half', percentage: '50', type: 'FIXED_PERCENTAGE', scope: 'ORDER' }],
    });
    expect(order.total_money).toEqual(usd(250));
    const { order: updated } = await m.client.orders.update({
      orderId: order.id,
      fieldsToClear: ['discounts', 'line_items[coffee].note'],
      order: {
        locationId: m.locationId,
        version: 1,
        lineItems: [
          { uid: 'coffee', quantity: '2' },
          { uid: 'cookie_uid', name: 'COOKIE', quantity: '2', basePriceMoney: { amount: 200n, currency: 'USD' } },
        ],
      },
    });
    expect(updated).toMatchObject({ version: 2, totalMoney: { amount: 1400n, currency: 'USD' } });
    expect(updated!.discounts).toBeUndefined();
    expect(updated!.lineItems![0]).toMatchObject({ uid: 'coffee', quantity: '2', appliedDiscounts: [] });
    expect(updated!.lineItems![0]!.note).toBeUndefined();
    expect(updated!.updatedAt! >= updated!.createdAt!).toBe(true);
    const [event] = merchantEvents(square, m.merchantId, 'order.updated');
    expect(event!.data.object).toEqual({
      order_updated: {
        order_id: order.id,
        version: 2,
        location_id: m.locationId,
        state: 'OPEN',
        created_at: order.created_at,
        updated_at: updated!.updatedAt,
      },
    });
  });

  it('refuses a stale or missing version with 409 CONFLICT', async () => {
    const m = await merchant();
    const order = await m.create({});
    await m.call('PUT', `/v2/orders/${order.id}`, { order: { version: 1, reference_id: 'a' } });
    const stale = await m.call('PUT', `/v2/orders/${order.id}`, { order: { version: 1, reference_id: 'b' } });
    expect(stale.status).toBe(409);
    expect(stale.body.errors[0]).toMatchObject({ code: 'CONFLICT', field: 'order.version' });
    const missing = await m.call('PUT', `/v2/orders/${order.id}`, { order: { reference_id: 'b' } });
    expect(missing.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'order.version' });
    expect((await m.call('PUT', '/v2/orders/NOPE', { order: { version: 1 } })).status).toBe(404);
  });

  it('cancels an OPEN order and then refuses further updates', async () => {
    const m = await merchant();
    const order = await m.create({ line_items: [item(100)] });
    const canceled = await m.call('PUT', `/v2/orders/${order.id}`, { order: { version: 1, state: 'CANCELED' } });
    expect(canceled.body.order).toMatchObject({ state: 'CANCELED', version: 2 });
    expect(canceled.body.order.closed_at).toBeTruthy();
    const again = await m.call('PUT', `/v2/orders/${order.id}`, { order: { version: 2, reference_id: 'x' } });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].code).toBe('BAD_REQUEST');
    const unpaid = await m.create({ line_items: [item(100)] });
    const complete = await m.call('PUT', `/v2/orders/${unpaid.id}`, { order: { version: 1, state: 'COMPLETED' } });
    expect(complete.status).toBe(400);
    const backToDraft = await m.call('PUT', `/v2/orders/${unpaid.id}`, { order: { version: 1, state: 'DRAFT' } });
    expect(backToDraft.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'order.state' });
  });

  it('clears taxes with their references, merges applied entries and metadata, and rejects unknown paths', async () => {
    const m = await merchant();
    const order = await m.create({
      line_items: [item(1000, '1', { uid: 'li', applied_taxes: [{ tax_uid: 'lt' }] })],
      taxes: [
        { uid: 'lt', name: 'Line', percentage: '10', scope: 'LINE_ITEM' },
        { uid: 'ot', name: 'Order', percentage: '5', scope: 'ORDER' },
      ],
      metadata: { a: '1' },
    });
    expect(order.total_money).toEqual(usd(1150));
    const r = await m.call('PUT', `/v2/orders/${order.id}`, {
      fields_to_clear: ['taxes[lt]'],
      order: { version: 1, metadata: { b: '2' }, taxes: [{ uid: 'ot', percentage: '7' }] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.order.line_items[0].applied_taxes.map((a: any) => a.tax_uid)).toEqual(['ot']);
    expect(r.body.order.metadata).toEqual({ a: '1', b: '2' });
    expect(r.body.order.total_money).toEqual(usd(1070));
    const bad = await m.call('PUT', `/v2/orders/${order.id}`, { fields_to_clear: ['total_money'], order: { version: 2 } });
    expect(bad.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'fields_to_clear' });
    const moved = await m.call('PUT', `/v2/orders/${order.id}`, { order: { version: 2, location_id: 'LELSE' } });
    expect(moved.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'order.location_id' });
  });

  it('answers a repeated idempotency key with the latest version, without updating twice', async () => {
    const m = await merchant();
    const order = await m.create({});
    const body = { idempotency_key: 'upd', order: { version: 1, reference_id: 'first' } };
    expect((await m.call('PUT', `/v2/orders/${order.id}`, body)).body.order.version).toBe(2);
    await m.call('PUT', `/v2/orders/${order.id}`, { order: { version: 2, ticket_name: 'T' } });
    const replay = await m.call('PUT', `/v2/orders/${order.id}`, body);
    expect(replay.body.order).toMatchObject({ version: 3, reference_id: 'first', ticket_name: 'T' });
    const reused = await m.call('PUT', `/v2/orders/${order.id}`, { ...body, order: { version: 3 } });
    expect(reused.body.errors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it("never lets another merchant update an order", async () => {
    const m = await merchant();
    const order = await m.create({});
    const other = await merchant();
    expect((await other.call('PUT', `/v2/orders/${order.id}`, { order: { version: 1, reference_id: 'x' } })).status).toBe(404);
    expect(square.emulator.ctx.stores.orders.get(m.merchantId, order.id)!.version).toBe(1);
  });
});

describe('CloneOrder', () => {
  it('clones into a DRAFT with new ids and uids and without tenders, and emits order.created', async () => {
    const m = await merchant();
    const order = await m.create({
      customer_id: 'C1',
      reference_id: 'ref',
      line_items: [item(1000, '1', { applied_discounts: [{ discount_uid: 'd' }] })],
      discounts: [{ uid: 'd', name: '$1', amount_money: usd(100), type: 'FIXED_AMOUNT', scope: 'LINE_ITEM' }],
      taxes: [{ uid: 't', name: 'T', percentage: '10', scope: 'ORDER' }],
    });
    addPaymentTender(square.emulator.ctx, m.merchantId, order.id, payment(m, { amount_money: usd(990), order_id: order.id }));
    const { body } = await m.call('POST', '/v2/orders/clone', { order_id: order.id, idempotency_key: 'clone-1' });
    const clone = body.order;
    expect(clone).toMatchObject({ state: 'DRAFT', version: 1, customer_id: 'C1', total_money: usd(990), net_amount_due_money: usd(990) });
    expect(clone.id).not.toBe(order.id);
    expect(clone.tenders).toBeUndefined();
    expect(clone.reference_id).toBeUndefined();
    expect(clone.line_items[0].uid).not.toBe(order.line_items[0].uid);
    expect(clone.discounts[0].uid).not.toBe('d');
    expect(clone.line_items[0].applied_discounts[0].discount_uid).toBe(clone.discounts[0].uid);
    expect(merchantEvents(square, m.merchantId, 'order.created').some((e) => e.data.id === clone.id)).toBe(true);
    const replay = await m.call('POST', '/v2/orders/clone', { order_id: order.id, idempotency_key: 'clone-1' });
    expect(replay.body.order.id).toBe(clone.id);
    const stale = await m.call('POST', '/v2/orders/clone', { order_id: order.id, version: 1 });
    expect(stale.status).toBe(409);
    expect((await m.call('POST', '/v2/orders/clone', { order_id: 'NOPE' })).status).toBe(404);
    // A draft becomes OPEN through UpdateOrder.
    const opened = await m.call('PUT', `/v2/orders/${clone.id}`, { order: { version: 1, state: 'OPEN' } });
    expect(opened.body.order.state).toBe('OPEN');
  });
});

describe('SearchOrders', () => {
  async function seeded() {
    const m = await merchant();
    const second = 'L' + randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase();
    const ctx = square.emulator.ctx;
    const main = ctx.stores.locations.get(m.merchantId, m.locationId)!;
    ctx.stores.locations.insert(m.merchantId, second, { ...main, id: second, name: 'Second' });
    const a = await m.create({ customer_id: 'CUST-A', source: { name: 'Online' }, line_items: [item(100)] });
    const b = await m.create({ location_id: second, line_items: [item(200)], fulfillments: [{ type: 'SHIPMENT' }] });
    const c = await m.create({ customer_id: 'CUST-C', line_items: [item(300)] });
    const draft = await m.create({ state: 'DRAFT' });
    return { m, second, a, b, c, draft };
  }
  const ids = (body: any) => (body.orders ?? body.order_entries ?? []).map((o: any) => o.id ?? o.order_id);

  it('searches the given locations newest first, without drafts unless asked for', async () => {
    const { m, second, a, b, c, draft } = await seeded();
    const all = await m.client.orders.search({ locationIds: [m.locationId, second] });
    expect(all.orders!.map((o) => o.id)).toEqual([c.id, b.id, a.id]);
    expect(ids((await m.call('POST', '/v2/orders/search', { location_ids: [second] })).body)).toEqual([b.id]);
    const drafts = await m.call('POST', '/v2/orders/search', {
      location_ids: [m.locationId],
      query: { filter: { state_filter: { states: ['DRAFT'] } } },
    });
    expect(ids(drafts.body)).toEqual([draft.id]);
    const asc = await m.call('POST', '/v2/orders/search', {
      location_ids: [m.locationId, second],
      query: { sort: { sort_field: 'CREATED_AT', sort_order: 'ASC' } },
    });
    expect(ids(asc.body)).toEqual([a.id, b.id, c.id]);
    const other = await merchant();
    expect((await other.call('POST', '/v2/orders/search', { location_ids: [m.locationId] })).body).toEqual({});
  });

  it('filters by source, customer (order or tender), fulfillment and state', async () => {
    const { m, second, a, b, c } = await seeded();
    const search = async (filter: unknown) =>
      ids((await m.call('POST', '/v2/orders/search', { location_ids: [m.locationId, second], query: { filter } })).body);
    expect(await search({ source_filter: { source_names: ['Online'] } })).toEqual([a.id]);
    expect(await search({ customer_filter: { customer_ids: ['CUST-A', 'CUST-C'] } })).toEqual([c.id, a.id]);
    // A customer known only from a tender.
    addPaymentTender(square.emulator.ctx, m.merchantId, b.id, payment(m, { amount_money: usd(50), customer_id: 'CUST-T', order_id: b.id, location_id: second }));
    expect(await search({ customer_filter: { customer_ids: ['CUST-T'] } })).toEqual([b.id]);
    expect(await search({ fulfillment_filter: { fulfillment_types: ['SHIPMENT'] } })).toEqual([b.id]);
    expect(await search({ fulfillment_filter: { fulfillment_states: ['PROPOSED'] } })).toEqual([b.id]);
    await m.call('PUT', `/v2/orders/${a.id}`, { order: { version: 1, state: 'CANCELED' } });
    expect(await search({ state_filter: { states: ['CANCELED', 'COMPLETED'] } })).toEqual([a.id]);
    expect(await search({ state_filter: { states: ['OPEN'] } })).toEqual([c.id, b.id]);
    const tooMany = await m.call('POST', '/v2/orders/search', {
      location_ids: [m.locationId],
      query: { filter: { customer_filter: { customer_ids: Array.from({ length: 11 }, (_, i) => `c${i}`) } } },
    });
    expect(tooMany.body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_LONG' });
  });

  it('filters by a time range that must match the sort field, and CLOSED_AT needs closed states', async () => {
    const { m, a, c } = await seeded();
    const search = (query: unknown) => m.call('POST', '/v2/orders/search', { location_ids: [m.locationId], query });
    const window = { start_at: a.created_at, end_at: c.created_at };
    expect(ids((await search({ filter: { date_time_filter: { created_at: window } } })).body)).toEqual([c.id, a.id]);
    const after = { start_at: new Date(Date.parse(c.created_at) + 1).toISOString() };
    expect((await search({ filter: { date_time_filter: { created_at: after } } })).body).toEqual({});
    const mismatch = await search({ filter: { date_time_filter: { updated_at: window } } });
    expect(mismatch.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'query.sort.sort_field' });
    const closedNoState = await search({ sort: { sort_field: 'CLOSED_AT' } });
    expect(closedNoState.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'query.filter.state_filter' });
    const canceled = await m.call('PUT', `/v2/orders/${c.id}`, { order: { version: 1, state: 'CANCELED' } });
    const closed = await search({
      filter: { state_filter: { states: ['CANCELED'] }, date_time_filter: { closed_at: { start_at: canceled.body.order.closed_at } } },
      sort: { sort_field: 'CLOSED_AT' },
    });
    expect(ids(closed.body)).toEqual([c.id]);
    const badTime = await search({ filter: { date_time_filter: { created_at: { start_at: 'yesterday' } } } });
    expect(badTime.body.errors[0].code).toBe('INVALID_TIME');
    const backwards = await search({
      filter: { date_time_filter: { created_at: { start_at: '2030-01-01T00:00:00Z', end_at: '2020-01-01T00:00:00Z' } } },
    });
    expect(backwards.body.errors[0]).toMatchObject({ code: 'INVALID_TIME_RANGE', field: 'query.filter.date_time_filter.created_at' });
  });

  it('pages with limit and a stable cursor, and returns entries on request', async () => {
    const m = await merchant();
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await m.create({ line_items: [item(100 + i)] }));
    const newestFirst = created.map((o) => o.id).reverse();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { body } = await m.call('POST', '/v2/orders/search', { location_ids: [m.locationId], limit: 3, cursor, return_entries: true });
      expect(body.orders).toBeUndefined();
      for (const entry of body.order_entries) expect(entry).toEqual({ order_id: entry.order_id, version: 1, location_id: m.locationId });
      seen.push(...ids(body));
      cursor = body.cursor;
      // An order created between pages does not disturb the pages already under way.
      if (pages++ === 0) await m.create({});
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst);
    const bad = await m.call('POST', '/v2/orders/search', { location_ids: [m.locationId], cursor: 'garbage' });
    expect(bad.body.errors[0].code).toBe('INVALID_CURSOR');
  });

  it('checks location_ids and limit', async () => {
    const m = await merchant();
    const search = (body: unknown) => m.call('POST', '/v2/orders/search', body);
    expect((await search({})).body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'location_ids' });
    expect((await search({ location_ids: [] })).body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_SHORT' });
    const eleven = Array.from({ length: 11 }, () => m.locationId);
    expect((await search({ location_ids: eleven })).body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_LONG' });
    expect((await search({ location_ids: [m.locationId], limit: 1001 })).body.errors[0]).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'limit' });
    expect((await search({ location_ids: [m.locationId], limit: 0 })).body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'limit' });
    expect((await search({ location_ids: [m.locationId], limit: 1000 })).status).toBe(200);
  });
});

describe('orders and payments', () => {
  it('records a tender per payment, closes the order once paid and lets the customer filter find it', async () => {
    const m = await merchant();
    const ctx = square.emulator.ctx;
    const order = await m.create({ line_items: [item(1000)] });
    const first = payment(m, { amount_money: usd(400), order_id: order.id, customer_id: 'CUST-1', note: 'split' });
    let updated = addPaymentTender(ctx, m.merchantId, order.id, first);
    expect(updated).toMatchObject({ state: 'OPEN', version: 2, net_amount_due_money: usd(600) });
    expect(updated.tenders![0]).toMatchObject({
      id: first.id,
      payment_id: first.id,
      transaction_id: order.id,
      location_id: m.locationId,
      type: 'CARD',
      amount_money: usd(400),
      customer_id: 'CUST-1',
      note: 'split',
      card_details: { status: 'CAPTURED', entry_method: 'KEYED', card: { last_4: '1111' } },
    });
    expect(addPaymentTender(ctx, m.merchantId, order.id, first).version).toBe(2);
    const cash = payment(m, {
      amount_money: usd(600),
      tip_money: usd(100),
      order_id: order.id,
      source_type: 'CASH',
      card_details: null,
      cash_details: { buyer_supplied_money: usd(1000), change_back_money: usd(300) },
    });
    updated = addPaymentTender(ctx, m.merchantId, order.id, cash);
    expect(updated.tenders![1]).toMatchObject({ type: 'CASH', amount_money: usd(700), tip_money: usd(100), cash_details: { buyer_tendered_money: usd(1000), change_back_money: usd(300) } });
    expect(updated).toMatchObject({ state: 'COMPLETED', version: 3, total_money: usd(1100), total_tip_money: usd(100), net_amount_due_money: usd(0) });
    expect(updated.closed_at).toBeTruthy();
    const { body } = await m.call('GET', `/v2/orders/${order.id}`);
    expect(body.order.net_amounts).toMatchObject({ total_money: usd(1100), tip_money: usd(100) });
  });

  it('creates an order for a payment without one', async () => {
    const m = await merchant();
    const ctx = square.emulator.ctx;
    const p = payment(m, { amount_money: usd(1250), tip_money: usd(200), customer_id: 'CUST-9', status: 'APPROVED' });
    const order = ctx.tx(() => createOrderForPayment(ctx, m.merchantId, p));
    expect(order).toMatchObject({
      state: 'OPEN',
      location_id: m.locationId,
      customer_id: 'CUST-9',
      total_money: usd(1250),
      line_items: [{ name: 'Custom Amount', quantity: '1', item_type: 'CUSTOM_AMOUNT', total_money: usd(1250) }],
    });
    expect(merchantEvents(square, m.merchantId, 'order.created').map((e) => e.data.id)).toContain(order.id);
    const closed = addPaymentTender(ctx, m.merchantId, order.id!, { ...p, status: 'COMPLETED', order_id: order.id });
    expect(closed).toMatchObject({ state: 'COMPLETED', total_money: usd(1450), total_tip_money: usd(200) });
  });

  it('refuses payments an order cannot take', async () => {
    const m = await merchant();
    const ctx = square.emulator.ctx;
    const order = await m.create({ line_items: [item(1000)] });
    const check = (fields: Partial<serialization.Payment.Raw>, orderId = order.id) => {
      try {
        assertOrderPayable(ctx, m.merchantId, orderId, { id: 'new', amount_money: usd(1000), location_id: m.locationId, ...fields });
        return 'ok';
      } catch (error) {
        return (error as { errors: Array<{ code: string }> }).errors[0]!.code;
      }
    };
    expect(check({})).toBe('ok');
    expect(check({ tip_money: usd(500) })).toBe('ok');
    expect(check({}, 'NOPE')).toBe('NOT_FOUND');
    expect(check({ location_id: 'LOTHER' })).toBe('LOCATION_MISMATCH');
    expect(check({ amount_money: { amount: 1000, currency: 'CAD' } })).toBe('CURRENCY_MISMATCH');
    expect(check({ amount_money: usd(1001) })).toBe('PAYMENT_AMOUNT_MISMATCH');
    payment(m, { amount_money: usd(700), order_id: order.id, status: 'APPROVED' });
    expect(check({ amount_money: usd(400) })).toBe('PAYMENT_AMOUNT_MISMATCH');
    expect(check({ amount_money: usd(300) })).toBe('ok');
    await m.call('PUT', `/v2/orders/${order.id}`, { order: { version: 1, state: 'CANCELED' } });
    expect(check({ amount_money: usd(300) })).toBe('BAD_REQUEST');
  });

  it('records refunds in refunds, return_amounts and net_amounts', async () => {
    const m = await merchant();
    const ctx = square.emulator.ctx;
    const order = await m.create({ line_items: [item(1000)] });
    const p = payment(m, { amount_money: usd(1000), order_id: order.id });
    addPaymentTender(ctx, m.merchantId, order.id, p);
    const refund: serialization.PaymentRefund.Raw = {
      id: `${p.id}_r1`,
      status: 'PENDING',
      amount_money: usd(300),
      payment_id: p.id,
      order_id: order.id,
      location_id: m.locationId,
      reason: 'Too cold',
      created_at: new Date().toISOString(),
    };
    let updated = addRefundToOrder(ctx, m.merchantId, order.id, refund);
    expect(updated.refunds).toEqual([
      {
        id: refund.id,
        location_id: m.locationId,
        transaction_id: order.id,
        tender_id: p.id,
        created_at: refund.created_at,
        reason: 'Too cold',
        amount_money: usd(300),
        status: 'PENDING',
      },
    ]);
    expect(updated).toMatchObject({ version: 3, total_money: usd(1000) });
    expect(updated.return_amounts).toMatchObject({ total_money: usd(300), tax_money: usd(0) });
    expect(updated.net_amounts!.total_money).toEqual(usd(700));
    expect(addRefundToOrder(ctx, m.merchantId, order.id, refund).version).toBe(3);
    updated = addRefundToOrder(ctx, m.merchantId, order.id, { ...refund, status: 'COMPLETED' });
    expect(updated).toMatchObject({ version: 4, refunds: [{ status: 'APPROVED' }] });
    const { body } = await m.call('GET', `/v2/orders/${order.id}`);
    expect(body.order.refunds).toHaveLength(1);
  });
});

describe('PayOrder', () => {
  it('completes APPROVED payments, closes the order and replays the same key', async () => {
    const m = await merchant();
    const order = await m.create({ line_items: [item(500), item(750, '2')] });
    const a = payment(m, { amount_money: usd(1000), order_id: order.id, status: 'APPROVED', card_details: { status: 'AUTHORIZED', card: { card_brand: 'VISA', last_4: '1111' }, entry_method: 'KEYED' } });
    const b = payment(m, { amount_money: usd(1000), order_id: order.id, status: 'APPROVED', card_details: { status: 'AUTHORIZED', card: { card_brand: 'VISA', last_4: '1111' }, entry_method: 'KEYED' } });
    const body = { idempotency_key: 'pay-1', payment_ids: [a.id, b.id] };
    const paid = await m.call('POST', `/v2/orders/${order.id}/pay`, body);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.order).toMatchObject({ state: 'COMPLETED', net_amount_due_money: usd(0) });
    expect(paid.body.order.closed_at).toBeTruthy();
    expect(paid.body.order.tenders.map((t: any) => t.payment_id)).toEqual([a.id, b.id]);
    expect(square.emulator.ctx.stores.payments.get(m.merchantId, a.id!)!.status).toBe('COMPLETED');
    const replay = await m.call('POST', `/v2/orders/${order.id}/pay`, body);
    expect(replay.body).toEqual(paid.body);
    const reused = await m.call('POST', `/v2/orders/${order.id}/pay`, { ...body, payment_ids: [a.id] });
    expect(reused.body.errors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    const again = await m.call('POST', `/v2/orders/${order.id}/pay`, { ...body, idempotency_key: 'pay-2' });
    expect(again.body.errors[0].code).toBe('BAD_REQUEST');
  });

  it('cancels the order’s other APPROVED payments, which PayOrder was not given', async () => {
    const m = await merchant();
    const order = await m.create({ line_items: [item(1000)] });
    const approved = { status: 'APPROVED', card_details: { status: 'AUTHORIZED', card: { card_brand: 'VISA', last_4: '1111' }, entry_method: 'KEYED' } } as const;
    const used = payment(m, { amount_money: usd(1000), order_id: order.id, ...approved });
    const spare = payment(m, { amount_money: usd(1000), order_id: order.id, ...approved });
    const paid = await m.call('POST', `/v2/orders/${order.id}/pay`, { idempotency_key: 'pay-spare', payment_ids: [used.id] });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const stored = (id: string) => square.emulator.ctx.stores.payments.get(m.merchantId, id)!;
    expect(stored(used.id!).status).toBe('COMPLETED');
    expect(stored(spare.id!)).toMatchObject({ status: 'CANCELED', card_details: { status: 'VOIDED' } });
  });

  it('settles a zero-total order with no payments', async () => {
    const m = await merchant();
    const order = await m.create({ line_items: [item(0)] });
    const { order: paid } = await m.client.orders.pay({ orderId: order.id, idempotencyKey: randomUUID(), paymentIds: [] });
    expect(paid).toMatchObject({ state: 'COMPLETED', version: 2 });
    expect(merchantEvents(square, m.merchantId, 'order.updated').at(-1)!.data.object).toMatchObject({ order_updated: { state: 'COMPLETED', version: 2 } });
  });

  it('refuses mismatched totals, foreign or unusable payments, stale versions and bad keys', async () => {
    const m = await merchant();
    const order = await m.create({ line_items: [item(1000)] });
    const pay = (body: Record<string, unknown>, orderId = order.id) =>
      m.call('POST', `/v2/orders/${orderId}/pay`, { idempotency_key: randomUUID(), ...body });
    const short = payment(m, { amount_money: usd(900), order_id: order.id, status: 'APPROVED' });
    expect((await pay({ payment_ids: [short.id] })).body.errors[0]).toMatchObject({ code: 'PAYMENT_AMOUNT_MISMATCH' });
    expect((await pay({ payment_ids: [] })).body.errors[0]).toMatchObject({ code: 'PAYMENT_AMOUNT_MISMATCH' });
    const elsewhere = payment(m, { amount_money: usd(1000), order_id: 'OTHER', status: 'APPROVED' });
    expect((await pay({ payment_ids: [elsewhere.id] })).body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'payment_ids' });
    const failed = payment(m, { amount_money: usd(1000), order_id: order.id, status: 'FAILED' });
    expect((await pay({ payment_ids: [failed.id] })).body.errors[0]).toMatchObject({ code: 'INVALID_VALUE' });
    expect((await pay({ payment_ids: ['NOPE'] })).status).toBe(404);
    expect((await pay({ payment_ids: [], order_version: 7 })).status).toBe(409);
    expect((await pay({ payment_ids: [] }, 'NOPE')).status).toBe(404);
    expect((await m.call('POST', `/v2/orders/${order.id}/pay`, { payment_ids: [] })).body.errors[0]).toMatchObject({
      code: 'MISSING_REQUIRED_PARAMETER',
      field: 'idempotency_key',
    });
    expect((await pay({ idempotency_key: '', payment_ids: [] })).body.errors[0].code).toBe('VALUE_TOO_SHORT');
    const other = await merchant();
    expect((await other.call('POST', `/v2/orders/${order.id}/pay`, { idempotency_key: 'x', payment_ids: [] })).status).toBe(404);
  });
});

describe('orders through the Payments API', () => {
  it('pays an order with a delayed-capture payment, finds it by the payment customer and shows its refund', async () => {
    const m = await merchant();
    const order = await m.create({ line_items: [item(1200)], taxes: [{ uid: 't', name: 'T', percentage: '10', scope: 'ORDER' }] });
    const created = await m.call('POST', '/v2/payments', {
      idempotency_key: randomUUID(),
      source_id: 'cnon:card-nonce-ok',
      amount_money: usd(1320),
      tip_money: usd(100),
      order_id: order.id,
      customer_id: 'CUST-PAYER',
      autocomplete: false,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.payment.status).toBe('APPROVED');
    const paid = await m.call('POST', `/v2/orders/${order.id}/pay`, { idempotency_key: randomUUID(), payment_ids: [created.body.payment.id] });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.order).toMatchObject({ state: 'COMPLETED', total_money: usd(1420), total_tip_money: usd(100), net_amount_due_money: usd(0) });
    expect(paid.body.order.tenders[0]).toMatchObject({
      id: created.body.payment.id,
      customer_id: 'CUST-PAYER',
      type: 'CARD',
      card_details: { status: 'CAPTURED' },
    });
    expect((await m.call('GET', `/v2/payments/${created.body.payment.id}`)).body.payment.status).toBe('COMPLETED');

    const found = await m.call('POST', '/v2/orders/search', {
      location_ids: [m.locationId],
      query: { filter: { customer_filter: { customer_ids: ['CUST-PAYER'] } } },
    });
    expect(found.body.orders.map((o: any) => o.id)).toEqual([order.id]);

    const refund = await m.call('POST', '/v2/refunds', {
      idempotency_key: randomUUID(),
      payment_id: created.body.payment.id,
      amount_money: usd(500),
      reason: 'Cold coffee',
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    const { body } = await m.call('GET', `/v2/orders/${order.id}`);
    expect(body.order.refunds[0]).toMatchObject({ id: refund.body.refund.id, tender_id: created.body.payment.id, reason: 'Cold coffee', amount_money: usd(500) });
    expect(body.order.net_amounts.total_money).toEqual(usd(920));
  });

  it('creates and completes an order for a payment made without one', async () => {
    const m = await merchant();
    const created = await m.call('POST', '/v2/payments', {
      idempotency_key: randomUUID(),
      source_id: 'cnon:card-nonce-ok',
      amount_money: usd(1250),
      customer_id: 'CUST-X',
    });
    const orderId = created.body.payment.order_id;
    const { body } = await m.call('GET', `/v2/orders/${orderId}`);
    expect(body.order).toMatchObject({ state: 'COMPLETED', customer_id: 'CUST-X', total_money: usd(1250), tenders: [{ payment_id: created.body.payment.id }] });
    const refused = await m.call('POST', '/v2/payments', {
      idempotency_key: randomUUID(),
      source_id: 'cnon:card-nonce-ok',
      amount_money: usd(100),
      order_id: orderId,
    });
    expect(refused.status).toBe(400);
  });
});

describe('pricing_options', () => {
  /**
   * A catalog with a city tax (10%, catalog items only), a state tax (5%, custom amounts too), a
   * disabled tax and one present at no location, a coffee taxed by all four and an untaxed mug.
   */
  async function taxedCatalog(m: Awaited<ReturnType<typeof merchant>>) {
    const tax = (id: string, percentage: string, extra: Record<string, unknown> = {}) => ({
      type: 'TAX' as const,
      id,
      presentAtAllLocations: true,
      taxData: { name: id.slice(1), percentage, inclusionType: 'ADDITIVE' as const, enabled: true, appliesToCustomAmounts: true, ...extra },
    });
    const product = (id: string, cents: number, taxIds: string[]) => ({
      type: 'ITEM' as const,
      id,
      itemData: {
        name: id.slice(1),
        taxIds,
        variations: [{ type: 'ITEM_VARIATION' as const, id: `${id}-v`, itemVariationData: { name: 'Regular', pricingType: 'FIXED_PRICING' as const, priceMoney: { amount: BigInt(cents), currency: 'USD' as const } } }],
      },
    });
    const { idMappings } = await m.client.catalog.batchUpsert({
      idempotencyKey: randomUUID(),
      batches: [
        {
          objects: [
            tax('#city', '10', { appliesToCustomAmounts: false }),
            tax('#state', '5'),
            tax('#disabled', '50', { enabled: false }),
            { ...tax('#elsewhere', '50'), presentAtAllLocations: false },
            product('#coffee', 400, ['#city', '#state', '#disabled', '#elsewhere']),
            product('#mug', 1000, []),
          ],
        },
      ],
    });
    const ids = Object.fromEntries(idMappings!.map((x) => [x.clientObjectId!.slice(1), x.objectId!]));
    const lines = () => [
      { uid: 'coffee', catalogObjectId: ids['coffee-v']!, quantity: '2' },
      { uid: 'mug', catalogObjectId: ids['mug-v']!, quantity: '1' },
      { uid: 'tip-jar', name: 'Custom amount', quantity: '1', basePriceMoney: { amount: 200n, currency: 'USD' as const } },
    ];
    return { ids, lines };
  }

  const taxesOf = (order: Square.Order) =>
    (order.taxes ?? []).map((t) => ({ catalogObjectId: t.catalogObjectId, name: t.name, percentage: t.percentage, scope: t.scope, autoApplied: t.autoApplied, applied: t.appliedMoney?.amount }));
  const lineTaxes = (order: Square.Order) =>
    Object.fromEntries((order.lineItems ?? []).map((li) => [li.uid, (li.appliedTaxes ?? []).map((a) => [order.taxes!.find((t) => t.uid === a.taxUid)!.name, a.appliedMoney?.amount])]));

  it("auto_apply_taxes applies each catalog item's enabled taxes, and to custom amounts those for custom amounts, as auto-applied line item taxes", async () => {
    const m = await merchant();
    const { ids, lines } = await taxedCatalog(m);
    const { order } = await m.client.orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId: m.locationId, lineItems: lines(), pricingOptions: { autoApplyTaxes: true } },
    });
    expect(taxesOf(order!)).toEqual([
      { catalogObjectId: ids.city, name: 'city', percentage: '10', scope: 'LINE_ITEM', autoApplied: true, applied: 80n },
      { catalogObjectId: ids.state, name: 'state', percentage: '5', scope: 'LINE_ITEM', autoApplied: true, applied: 50n },
    ]);
    expect(lineTaxes(order!)).toEqual({ coffee: [['city', 80n], ['state', 40n]], mug: [], 'tip-jar': [['state', 10n]] });
    expect(order!.totalTaxMoney?.amount).toBe(130n);
    expect(order!.totalMoney?.amount).toBe(800n + 1000n + 200n + 130n);
    expect(order!.pricingOptions).toEqual({ autoApplyTaxes: true });

    // Without the option (or with it false) Square applies no tax the request does not name.
    for (const pricingOptions of [undefined, { autoApplyTaxes: false }]) {
      const { order: untaxed } = await m.client.orders.create({ idempotencyKey: randomUUID(), order: { locationId: m.locationId, lineItems: lines(), pricingOptions } });
      expect(untaxed!.taxes).toBeUndefined();
      expect(untaxed!.totalTaxMoney?.amount).toBe(0n);
    }
  });

  it("keeps the request's own taxes beside the automatic ones, honours a line's blocked taxes, and CalculateOrder prices the same", async () => {
    const m = await merchant();
    const { ids, lines } = await taxedCatalog(m);
    const [coffee, mug, custom] = lines();
    const order = {
      locationId: m.locationId,
      lineItems: [coffee!, mug!, { ...custom!, pricingBlocklists: { blockedTaxes: [{ taxCatalogObjectId: ids.state! }] } }],
      // The request's own state tax, by catalog id: Square keeps it and the automatic one, so the coffee pays it twice.
      taxes: [{ uid: 'own', catalogObjectId: ids.state!, scope: 'ORDER' as const, autoApplied: true }],
      pricingOptions: { autoApplyTaxes: true },
    };
    const { order: created } = await m.client.orders.create({ idempotencyKey: randomUUID(), order });
    expect(taxesOf(created!)).toEqual([
      { catalogObjectId: ids.state, name: 'state', percentage: '5', scope: 'ORDER', autoApplied: undefined, applied: 100n },
      { catalogObjectId: ids.city, name: 'city', percentage: '10', scope: 'LINE_ITEM', autoApplied: true, applied: 80n },
      { catalogObjectId: ids.state, name: 'state', percentage: '5', scope: 'LINE_ITEM', autoApplied: true, applied: 40n },
    ]);
    expect(lineTaxes(created!)['tip-jar']).toEqual([['state', 10n]]);
    const { order: calculated } = await m.client.orders.calculate({ order });
    expect(taxesOf(calculated!)).toEqual(taxesOf(created!));
    expect(calculated!.totalMoney).toEqual(created!.totalMoney);
  });

  it('UpdateOrder taxes added lines, keeps a tax cleared from a line off it, and takes the automatic taxes back when the option is turned off', async () => {
    const m = await merchant();
    const { ids, lines } = await taxedCatalog(m);
    const [coffee, mug] = lines();
    const { order } = await m.client.orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId: m.locationId, lineItems: [coffee!, mug!], pricingOptions: { autoApplyTaxes: true } },
    });
    const city = order!.lineItems![0]!.appliedTaxes!.find((a) => order!.taxes!.find((t) => t.uid === a.taxUid)!.name === 'city')!;
    const update = (version: number, patch: Partial<Square.Order>, fieldsToClear?: string[]) =>
      m.client.orders.update({ orderId: order!.id!, order: { locationId: m.locationId, version, ...patch }, fieldsToClear, idempotencyKey: randomUUID() });

    // Square's walkthrough: fields_to_clear takes an automatic tax off one line, and it stays off.
    const { order: cleared } = await update(1, {}, [`line_items[coffee].applied_taxes[${city.uid}]`]);
    expect(lineTaxes(cleared!)).toEqual({ coffee: [['state', 40n]], mug: [] });
    const { order: added } = await update(2, { lineItems: [{ uid: 'coffee-2', catalogObjectId: ids['coffee-v']!, quantity: '1' }] });
    expect(lineTaxes(added!)).toEqual({ coffee: [['state', 40n]], mug: [], 'coffee-2': [['city', 40n], ['state', 20n]] });
    expect(added!.taxes).toHaveLength(2);

    const { order: off } = await update(3, { pricingOptions: { autoApplyTaxes: false } });
    expect(off!.taxes).toBeUndefined();
    expect(off!.totalTaxMoney?.amount).toBe(0n);
    const { order: on } = await update(4, { pricingOptions: { autoApplyTaxes: true } });
    expect(lineTaxes(on!)).toEqual({ coffee: [['city', 80n], ['state', 40n]], mug: [], 'coffee-2': [['city', 40n], ['state', 20n]] });
    const { order: unset } = await update(5, {}, ['pricing_options']);
    expect(unset!.pricingOptions).toBeUndefined();
    expect(unset!.taxes).toBeUndefined();
  });

  it('auto_apply_discounts applies nothing: discounts come from pricing rules, which the emulator does not hold', async () => {
    const m = await merchant();
    const { lines } = await taxedCatalog(m);
    const { order } = await m.client.orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId: m.locationId, lineItems: lines(), pricingOptions: { autoApplyDiscounts: true } },
    });
    expect(order!.pricingOptions).toEqual({ autoApplyDiscounts: true });
    expect(order!.discounts).toBeUndefined();
    expect(order!.totalDiscountMoney?.amount).toBe(0n);
    const rule = await m.call('POST', '/v2/catalog/object', {
      idempotency_key: randomUUID(),
      object: { type: 'PRICING_RULE', id: '#rule', pricing_rule_data: { name: 'Happy hour' } },
    });
    expect(rule.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'object.type' });
  });
});

describe('request validation', () => {
  type M = Awaited<ReturnType<typeof merchant>>;
  type Case = [string, (m: M) => Record<string, unknown>, string, string];
  const draft = (m: M, order: Record<string, unknown>) => ({ order: { location_id: m.locationId, ...order } });

  const check = async (path: (orderId: string) => string, method: string, cases: Case[]) => {
    const m = await merchant();
    const order = await m.create({ line_items: [item(100, '1', { uid: 'li' })] });
    for (const [name, body, code, field] of cases) {
      const r = await m.call(method, path(order.id), body(m));
      expect(r.status, name).toBe(400);
      expect(r.body.errors[0], name).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
    }
    return { m, order };
  };

  it('checks CreateOrder against the SDK schema and Square’s limits, in lists too', async () => {
    const line = (extra: Record<string, unknown>) => ({ line_items: [item(100, '1', extra)] });
    await check(() => '/v2/orders', 'POST', [
      ['an unknown field', (m) => draft(m, { table: 7 }), 'UNKNOWN_BODY_PARAMETER', 'order.table'],
      ['an unknown field of a line item', (m) => draft(m, line({ colour: 'red' })), 'UNKNOWN_BODY_PARAMETER', 'order.line_items[0].colour'],
      ['a number for a string', (m) => draft(m, { ticket_name: 7 }), 'EXPECTED_STRING', 'order.ticket_name'],
      ['a number for a quantity', (m) => draft(m, line({ quantity: 1 })), 'EXPECTED_STRING', 'order.line_items[0].quantity'],
      ['a string for a tax', (m) => draft(m, { taxes: ['none'] }), 'EXPECTED_OBJECT', 'order.taxes[0]'],
      ['an unknown state', (m) => draft(m, { state: 'PAID' }), 'INVALID_ENUM_VALUE', 'order.state'],
      ['an unknown item type', (m) => draft(m, line({ item_type: 'SERVICE' })), 'INVALID_ENUM_VALUE', 'order.line_items[0].item_type'],
      ['an unknown currency', (m) => draft(m, line({ base_price_money: { amount: 1, currency: 'XYZ' } })), 'INVALID_ENUM_VALUE', 'order.line_items[0].base_price_money.currency'],
      ['a 193-character idempotency key', (m) => ({ ...draft(m, {}), idempotency_key: 'k'.repeat(193) }), 'VALUE_TOO_LONG', 'idempotency_key'],
      ['a 31-character ticket name', (m) => draft(m, { ticket_name: 't'.repeat(31) }), 'VALUE_TOO_LONG', 'order.ticket_name'],
      ['a 513-character line item name', (m) => draft(m, line({ name: 'n'.repeat(513) })), 'VALUE_TOO_LONG', 'order.line_items[0].name'],
      ['a 13-character quantity', (m) => draft(m, line({ quantity: '1'.repeat(13) })), 'VALUE_TOO_LONG', 'order.line_items[0].quantity'],
      ['a 256-character modifier name', (m) => draft(m, line({ modifiers: [{ name: 'n'.repeat(256) }] })), 'VALUE_TOO_LONG', 'order.line_items[0].modifiers[0].name'],
      [
        'a 256-character recipient name',
        (m) => draft(m, { fulfillments: [{ type: 'PICKUP', pickup_details: { recipient: { display_name: 'n'.repeat(256) } } }] }),
        'VALUE_TOO_LONG',
        'order.fulfillments[0].pickup_details.recipient.display_name',
      ],
      ['a metadata key with a space', (m) => draft(m, { metadata: { 'table no': '7' } }), 'INVALID_VALUE', 'order.metadata.table no'],
      [
        'eleven metadata entries on a line item',
        (m) => draft(m, line({ metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) })),
        'INVALID_VALUE',
        'order.line_items[0].metadata',
      ],
      ['a fulfillment without a type', (m) => draft(m, { fulfillments: [{ state: 'PROPOSED' }] }), 'MISSING_REQUIRED_PARAMETER', 'order.fulfillments[0].type'],
      ['a 256-character metadata value', (m) => draft(m, { metadata: { note: 'v'.repeat(256) } }), 'VALUE_TOO_LONG', 'order.metadata.note'],
      ['a string for auto_apply_taxes', (m) => draft(m, { pricing_options: { auto_apply_taxes: 'yes' } }), 'EXPECTED_BOOLEAN', 'order.pricing_options.auto_apply_taxes'],
      ['an unknown pricing option', (m) => draft(m, { pricing_options: { auto_apply_fees: true } }), 'UNKNOWN_BODY_PARAMETER', 'order.pricing_options.auto_apply_fees'],
    ]);
  });

  it('checks CalculateOrder, BatchRetrieveOrders and CloneOrder', async () => {
    await check(() => '/v2/orders/calculate', 'POST', [
      ['an unknown field', (m) => ({ ...draft(m, {}), coupon: 'X' }), 'UNKNOWN_BODY_PARAMETER', 'coupon'],
      ['a string for the order', () => ({ order: 'x' }), 'EXPECTED_OBJECT', 'order'],
      ['an 11-character tax percentage', (m) => draft(m, { taxes: [{ percentage: '1'.repeat(11) }] }), 'VALUE_TOO_LONG', 'order.taxes[0].percentage'],
      ['an empty reward id', (m) => ({ ...draft(m, {}), proposed_rewards: [{ id: '', reward_tier_id: 't' }] }), 'VALUE_TOO_SHORT', 'proposed_rewards[0].id'],
    ]);
    await check(() => '/v2/orders/batch-retrieve', 'POST', [
      ['an unknown field', () => ({ order_ids: ['a'], ids: ['a'] }), 'UNKNOWN_BODY_PARAMETER', 'ids'],
      ['a number for an id', () => ({ order_ids: [5] }), 'EXPECTED_STRING', 'order_ids[0]'],
    ]);
    await check(() => '/v2/orders/clone', 'POST', [
      ['an unknown field', () => ({ order_id: 'o', state: 'OPEN' }), 'UNKNOWN_BODY_PARAMETER', 'state'],
      ['a number for the id', () => ({ order_id: 5 }), 'EXPECTED_STRING', 'order_id'],
      ['a string for the version', () => ({ order_id: 'o', version: 'one' }), 'EXPECTED_INTEGER', 'version'],
    ]);
  });

  it('checks SearchOrders’ query object', async () => {
    const search = (m: M, fields: Record<string, unknown>) => ({ location_ids: [m.locationId], ...fields });
    await check(() => '/v2/orders/search', 'POST', [
      ['an unknown filter', (m) => search(m, { query: { filter: { total_filter: {} } } }), 'UNKNOWN_BODY_PARAMETER', 'query.filter.total_filter'],
      ['an unknown sort field', (m) => search(m, { query: { sort: { sort_field: 'TOTAL' } } }), 'INVALID_ENUM_VALUE', 'query.sort.sort_field'],
      ['an unknown state', (m) => search(m, { query: { filter: { state_filter: { states: ['PAID'] } } } }), 'INVALID_ENUM_VALUE', 'query.filter.state_filter.states[0]'],
      ['a string for the limit', (m) => search(m, { limit: '10' }), 'EXPECTED_INTEGER', 'limit'],
      ['a string for return_entries', (m) => search(m, { return_entries: 'yes' }), 'EXPECTED_BOOLEAN', 'return_entries'],
      [
        'eleven customer ids',
        (m) => search(m, { query: { filter: { customer_filter: { customer_ids: Array.from({ length: 11 }, (_, i) => `C${i}`) } } } }),
        'ARRAY_LENGTH_TOO_LONG',
        'query.filter.customer_filter.customer_ids',
      ],
    ]);
  });

  it('checks UpdateOrder’s sparse order, which needs neither location_id nor every quantity', async () => {
    const { m, order } = await check((id) => `/v2/orders/${id}`, 'PUT', [
      ['an unknown field', () => ({ order: { version: 1, colour: 'red' } }), 'UNKNOWN_BODY_PARAMETER', 'order.colour'],
      ['a string for the version', () => ({ order: { version: '1' } }), 'EXPECTED_INTEGER', 'order.version'],
      ['a number to clear', () => ({ order: { version: 1 }, fields_to_clear: [5] }), 'EXPECTED_STRING', 'fields_to_clear[0]'],
      ['an unknown state', () => ({ order: { version: 1, state: 'PAID' } }), 'INVALID_ENUM_VALUE', 'order.state'],
      ['a 61-character uid', () => ({ order: { version: 1, line_items: [{ uid: 'u'.repeat(61) }] } }), 'VALUE_TOO_LONG', 'order.line_items[0].uid'],
    ]);
    const noted = await m.call('PUT', `/v2/orders/${order.id}`, { order: { version: 1, line_items: [{ uid: 'li', note: 'no ice' }] } });
    expect(noted.status, JSON.stringify(noted.body)).toBe(200);
    expect(noted.body.order.line_items[0]).toMatchObject({ uid: 'li', quantity: '1', note: 'no ice' });
  });

  it('checks PayOrder', async () => {
    await check((id) => `/v2/orders/${id}/pay`, 'POST', [
      ['an unknown field', () => ({ idempotency_key: 'k', tip: 1 }), 'UNKNOWN_BODY_PARAMETER', 'tip'],
      ['a number for a payment id', () => ({ idempotency_key: 'k', payment_ids: [5] }), 'EXPECTED_STRING', 'payment_ids[0]'],
      ['a string for the version', () => ({ idempotency_key: 'k', order_version: 'one' }), 'EXPECTED_INTEGER', 'order_version'],
      ['a 193-character idempotency key', () => ({ idempotency_key: 'k'.repeat(193) }), 'VALUE_TOO_LONG', 'idempotency_key'],
    ]);
  });
});
