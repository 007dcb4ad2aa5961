import { randomUUID } from 'node:crypto';
import type { Square } from 'square';
import { describe, expect, it } from 'vitest';
import { newLocation } from '../../src/emulator/domain/locations.js';
import { TEST_GIFT_CARD_GAN } from '../../src/emulator/domain/test-values.js';
import { useEmulator } from '../support/emulator.js';
import { eventsFor, failure, paymentMerchant, usd } from '../support/fixtures.js';

const square = useEmulator();

const merchant = () => paymentMerchant(square);

describe('RefundPayment', () => {
  it('refunds a card payment in full: PENDING at first, COMPLETED when read back', async () => {
    const { pay, refund, client, merchantId } = merchant();
    const payment = await pay({ tipMoney: usd(100) });
    const created = await refund({ paymentId: payment.id!, amountMoney: usd(1100), reason: 'Cold coffee' });
    expect(created).toMatchObject({
      status: 'PENDING',
      paymentId: payment.id,
      orderId: payment.orderId,
      locationId: payment.locationId,
      amountMoney: usd(1100),
      reason: 'Cold coffee',
      destinationType: 'CARD',
    });
    expect(created.id.startsWith(`${payment.id}_`)).toBe(true);
    const read = (await client.refunds.get({ refundId: created.id })).refund!;
    expect(read).toMatchObject({ id: created.id, status: 'COMPLETED' });
    expect((await client.refunds.get({ refundId: created.id })).refund).toEqual(read);

    const refunded = (await client.payments.get({ paymentId: payment.id! })).payment!;
    expect(refunded).toMatchObject({ status: 'COMPLETED', refundIds: [created.id], refundedMoney: usd(1100) });
    expect(refunded.versionToken).not.toBe(payment.versionToken);

    expect(eventsFor(square, created.id).map((e) => [e.type, e.data.type, (e.data.object as { refund: { status: string } }).refund.status])).toEqual([
      ['refund.created', 'refund', 'PENDING'],
      ['refund.updated', 'refund', 'COMPLETED'],
    ]);
    expect(eventsFor(square, created.id)[0]).toMatchObject({ merchant_id: merchantId, location_id: payment.locationId });
    expect(eventsFor(square, payment.id!).map((e) => e.type)).toEqual(['payment.created', 'payment.updated']);
    const order = (await client.orders.get({ orderId: payment.orderId! })).order!;
    expect(order.refunds).toEqual([expect.objectContaining({ id: created.id, tenderId: payment.id, status: 'APPROVED', amountMoney: usd(1100) })]);
  });

  it('takes partial refunds up to what remains and refuses more', async () => {
    const { pay, refund } = merchant();
    const payment = await pay();
    await refund({ paymentId: payment.id!, amountMoney: usd(600) });
    expect(await failure(refund({ paymentId: payment.id!, amountMoney: usd(401) }))).toMatchObject({
      status: 400,
      errors: [{ category: 'REFUND_ERROR', code: 'REFUND_AMOUNT_INVALID' }],
    });
    const last = await refund({ paymentId: payment.id!, amountMoney: usd(400) });
    expect(last.amountMoney).toEqual(usd(400));
    expect(await failure(refund({ paymentId: payment.id!, amountMoney: usd(1) }))).toMatchObject({ errors: [{ code: 'REFUND_AMOUNT_INVALID' }] });
  });

  it('refuses payments that are not COMPLETED', async () => {
    const { pay, refund, client } = merchant();
    const approved = await pay({ autocomplete: false });
    expect(await failure(refund({ paymentId: approved.id! }))).toMatchObject({
      status: 400,
      errors: [{ category: 'REFUND_ERROR', code: 'REFUND_ERROR_PAYMENT_NEEDS_COMPLETION' }],
    });
    await client.payments.cancel({ paymentId: approved.id! });
    expect(await failure(refund({ paymentId: approved.id! }))).toMatchObject({ errors: [{ code: 'PAYMENT_NOT_REFUNDABLE' }] });
    await failure(pay({ sourceId: 'cnon:card-nonce-declined' }));
    const [failed] = (await client.payments.list()).data.filter((p) => p.status === 'FAILED');
    expect(await failure(refund({ paymentId: failed!.id! }))).toMatchObject({ errors: [{ code: 'PAYMENT_NOT_REFUNDABLE' }] });
  });

  it('records cash and external refunds as COMPLETED at once', async () => {
    const { pay, refund } = merchant();
    const cash = await pay({ sourceId: 'CASH', cashDetails: { buyerSuppliedMoney: usd(1000) } });
    expect(await refund({ paymentId: cash.id!, amountMoney: usd(250) })).toMatchObject({ status: 'COMPLETED', destinationType: 'CASH' });
    const external = await pay({ sourceId: 'EXTERNAL', externalDetails: { type: 'CHECK', source: 'Desk' } });
    expect(await refund({ paymentId: external.id! })).toMatchObject({ status: 'COMPLETED', destinationType: 'EXTERNAL' });
  });

  it('puts a gift card refund back on the card', async () => {
    const { pay, refund, client } = merchant();
    const balance = async () => (await client.giftCards.getFromGan({ gan: TEST_GIFT_CARD_GAN })).giftCard!.balanceMoney!.amount;
    const payment = await pay({ sourceId: 'cnon:gift-card-nonce-ok', amountMoney: usd(3000) });
    expect(await balance()).toBe(7000n);
    const created = await refund({ paymentId: payment.id!, amountMoney: usd(1000) });
    expect(created).toMatchObject({ status: 'COMPLETED', destinationType: 'CARD' });
    expect(await balance()).toBe(8000n);
  });

  it('checks the request', async () => {
    const { pay, refund } = merchant();
    const payment = await pay({ appFeeMoney: usd(10) });
    const refuse = async (request: Partial<Square.RefundPaymentRequest>) => (await failure(refund({ paymentId: payment.id!, ...request }))).errors[0];
    expect(await refuse({ paymentId: 'nope' })).toMatchObject({ code: 'NOT_FOUND', field: 'payment_id' });
    expect(await refuse({ amountMoney: usd(0) })).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'amount_money.amount' });
    expect(await refuse({ amountMoney: { amount: 100n, currency: 'CAD' } })).toMatchObject({ code: 'UNSUPPORTED_CURRENCY' });
    expect(await refuse({ locationId: 'L1' })).toMatchObject({ code: 'INVALID_VALUE', field: 'location_id' });
    expect(await refuse({ paymentVersionToken: 'stale' })).toMatchObject({ code: 'CONFLICT', field: 'payment_version_token' });
    expect(await refuse({ appFeeMoney: usd(2000) })).toMatchObject({ code: 'INVALID_FEES' });
    expect(await refuse({ reason: 'r'.repeat(193) })).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'reason' });
    expect(await refund({ paymentId: payment.id!, paymentVersionToken: payment.versionToken!, appFeeMoney: usd(5) })).toMatchObject({ appFeeMoney: usd(5) });
    const missing = await square.raw('POST', '/v2/refunds', { body: { idempotency_key: 'k', amount_money: { amount: 1, currency: 'USD' } } });
    expect(missing.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'payment_id' });
    const noKey = await square.raw('POST', '/v2/refunds', { body: { payment_id: payment.id, amount_money: { amount: 1, currency: 'USD' } } });
    expect(noKey.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'idempotency_key' });
  });

  it('replays a refund for the same key and body, and refuses the key for another body', async () => {
    const { pay, client, merchantId } = merchant();
    const payment = await pay();
    const request = { idempotencyKey: randomUUID(), paymentId: payment.id!, amountMoney: usd(300) };
    const first = (await client.refunds.refundPayment(request)).refund!;
    expect((await client.refunds.refundPayment(request)).refund).toEqual(first);
    expect(await failure(client.refunds.refundPayment({ ...request, amountMoney: usd(301) }))).toMatchObject({
      status: 400,
      errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }],
    });
    expect(square.emulator.ctx.stores.refunds.all(merchantId)).toHaveLength(1);
    expect((await client.payments.get({ paymentId: payment.id! })).payment!.refundedMoney).toEqual(usd(300));
  });

  it('records an unlinked cash refund', async () => {
    const { refund, client } = merchant();
    const locationId = (await client.locations.get({ locationId: 'main' })).location!.id!;
    const created = await refund({
      unlinked: true,
      destinationId: 'CASH',
      locationId,
      amountMoney: usd(500),
      cashDetails: { sellerSuppliedMoney: usd(1000) },
    });
    expect(created).toMatchObject({
      status: 'COMPLETED',
      unlinked: true,
      destinationType: 'CASH',
      locationId,
      destinationDetails: { cashDetails: { sellerSuppliedMoney: usd(1000), changeBackMoney: usd(500) } },
    });
    expect(created.paymentId).toBeUndefined();
    expect(await failure(refund({ unlinked: true, destinationId: 'CASH', locationId }))).toMatchObject({ errors: [{ field: 'cash_details' }] });
    expect(await failure(refund({ unlinked: true, destinationId: 'CASH' }))).toMatchObject({ errors: [{ field: 'location_id' }] });
    expect(await failure(refund({ unlinked: true, destinationId: 'CASH', locationId, paymentId: 'x' }))).toMatchObject({ errors: [{ field: 'payment_id' }] });
  });

  it('never shows or refunds one merchant’s payments for another', async () => {
    const { pay, refund } = merchant();
    const payment = await pay();
    const created = await refund({ paymentId: payment.id!, amountMoney: usd(100) });
    const stranger = square.client();
    expect(await failure(stranger.refunds.get({ refundId: created.id }))).toMatchObject({ status: 404 });
    expect(await failure(stranger.refunds.refundPayment({ idempotencyKey: randomUUID(), paymentId: payment.id!, amountMoney: usd(1) }))).toMatchObject({ status: 404 });
    expect((await stranger.refunds.list()).data).toEqual([]);
  });
});

describe('ListPaymentRefunds', () => {
  it('lists refunds newest first across locations, with filters', async () => {
    const { pay, refund, client, merchantId } = merchant();
    const other = newLocation(merchantId, new Date().toISOString(), { name: 'Second' });
    square.emulator.ctx.stores.locations.insert(merchantId, other.id!, other);
    const card = await refund({ paymentId: (await pay()).id!, amountMoney: usd(100) });
    const cash = await refund({ paymentId: (await pay({ sourceId: 'CASH', cashDetails: { buyerSuppliedMoney: usd(1000) } })).id!, amountMoney: usd(200) });
    const elsewhere = await refund({ paymentId: (await pay({ locationId: other.id! })).id!, amountMoney: usd(300) });
    const ids = async (request: Square.ListRefundsRequest = {}) => (await client.refunds.list(request)).data.map((r) => r.id);
    expect(await ids()).toEqual([elsewhere.id, cash.id, card.id]);
    expect(await ids({ status: 'PENDING' })).toEqual([]);
    expect(await ids({ sortOrder: 'ASC' })).toEqual([card.id, cash.id, elsewhere.id]);
    expect(await ids({ locationId: other.id! })).toEqual([elsewhere.id]);
    expect(await ids({ sourceType: 'CASH' })).toEqual([cash.id]);
    expect(await ids({ status: 'COMPLETED', sourceType: 'CARD' })).toEqual([elsewhere.id, card.id]);
    expect(await ids({ endTime: new Date(Date.parse(card.createdAt!) - 1).toISOString() })).toEqual([]);
    expect(await ids({ sortField: 'UPDATED_AT', sortOrder: 'ASC' })).toHaveLength(3);
    const res = await square.raw('GET', '/v2/refunds?end_time=soon', {});
    expect(res.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'end_time' });
  });

  it.each([
    ['sort_order=UP', 'INVALID_ENUM_VALUE', 'sort_order'],
    ['sort_field=AMOUNT', 'INVALID_ENUM_VALUE', 'sort_field'],
    ['limit=ten', 'EXPECTED_INTEGER', 'limit'],
    ['limit=0', 'VALUE_TOO_LOW', 'limit'],
  ])('answers 400 for %s', async (query, code, field) => {
    const res = await square.raw('GET', `/v2/refunds?${query}`, {});
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
  });

  it('ignores query parameters the API does not have, as Square does', async () => {
    expect((await square.raw('GET', '/v2/refunds?colour=red', {})).body).toEqual({ refunds: [] });
  });

  it('pages with stable cursors and ignores limits over 100', async () => {
    const { pay, client, merchantId, token } = merchant();
    const payment = await pay({ sourceId: 'CASH', amountMoney: usd(100_000), cashDetails: { buyerSuppliedMoney: usd(100_000) } });
    const results = await Promise.all(
      Array.from({ length: 103 }, (_, i) =>
        square.raw('POST', '/v2/refunds', { token, body: { idempotency_key: `r${i}`, payment_id: payment.id, amount_money: { amount: 10, currency: 'USD' } } }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const big = await client.refunds.list({ limit: 1000 });
    expect(big.data).toHaveLength(100);
    const all = square.emulator.ctx.stores.refunds.all(merchantId).map((s) => s.doc.id).reverse();
    let page = await client.refunds.list({ limit: 50 });
    const seen = page.data.map((r) => r.id);
    await client.refunds.refundPayment({ idempotencyKey: randomUUID(), paymentId: payment.id!, amountMoney: usd(1) });
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      seen.push(...page.data.map((r) => r.id));
    }
    expect(seen).toEqual(all);
    expect(await failure(client.refunds.list({ cursor: 'nope' }))).toMatchObject({ status: 400, errors: [{ code: 'INVALID_CURSOR' }] });
  });
});
