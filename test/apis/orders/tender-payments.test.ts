import { randomUUID } from 'node:crypto';
import type { SquareClient } from 'square';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrderPaymentsFromTendersDocument, OrderPaymentsWithReceiptDocument, PaymentByIdDocument } from '../../gql/graphql.js';
import { countCalls, useGateway } from '../../support/gateway.js';
import { arrangeMerchant } from '../../support/merchant.js';

const stack = useGateway();

/** An order of `cents`, paid by `source` in one payment carrying `tip` on top. */
async function paidOrder(square: SquareClient, locationId: string, cents: number, source: { cardId: string; customerId: string } | 'CASH', tip = 0) {
  const { order } = await square.orders.create({
    idempotencyKey: randomUUID(),
    order: { locationId, lineItems: [{ name: 'Cortado', quantity: '1', basePriceMoney: { amount: BigInt(cents), currency: 'USD' } }] },
  });
  const amountMoney = order!.totalMoney!;
  const tipMoney = tip ? { amount: BigInt(tip), currency: 'USD' as const } : undefined;
  await square.payments.create({
    idempotencyKey: randomUUID(),
    orderId: order!.id!,
    locationId,
    amountMoney,
    ...(tipMoney ? { tipMoney } : {}),
    ...(source === 'CASH'
      ? { sourceId: 'CASH', cashDetails: { buyerSuppliedMoney: { amount: BigInt(cents + tip), currency: 'USD' } } }
      : { sourceId: source.cardId, customerId: source.customerId }),
  });
  return order!.id!;
}

describe('payment fields an order’s tender holds', () => {
  let cardOrderId: string;
  let cashOrderId: string;
  let splitOrderId: string;

  beforeAll(async () => {
    const square = stack.square();
    const merchant = await arrangeMerchant(square, { customers: 1, ordersPerCustomer: 0 });
    const customer = merchant.customers[0]!;
    cardOrderId = await paidOrder(square, merchant.locationId, 1250, { cardId: customer.cardIds[0]!, customerId: customer.id }, 175);
    cashOrderId = await paidOrder(square, merchant.locationId, 800, 'CASH');
    const { order } = await square.orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId: merchant.locationId, lineItems: [{ name: 'Beans', quantity: '1', basePriceMoney: { amount: 1000n, currency: 'USD' } }] },
    });
    splitOrderId = order!.id!;
    for (const cents of [400n, 600n]) {
      await square.payments.create({
        idempotencyKey: randomUUID(),
        orderId: splitOrderId,
        locationId: merchant.locationId,
        sourceId: customer.cardIds[0]!,
        customerId: customer.id,
        amountMoney: { amount: cents, currency: 'USD' },
      });
    }
  });

  it('are answered from the tender without GetPayment, with the values GetPayment gives', async () => {
    // Warm the locations cache, so that only the calls of the queries below are counted.
    await stack.gql(OrderPaymentsFromTendersDocument, { id: cardOrderId });
    await stack.clearCalls();
    const fromTenders = await stack.gql(OrderPaymentsFromTendersDocument, { id: cardOrderId });
    expect(fromTenders.errors).toBeUndefined();
    expect(countCalls(await stack.calls())).toEqual({ BatchRetrieveOrders: 1, BulkRetrieveCustomers: 1 });

    const withReceipt = await stack.gql(OrderPaymentsWithReceiptDocument, { id: cardOrderId });
    const payment = fromTenders.data!.order!.payments![0]!;
    expect(payment).toMatchObject({ status: 'COMPLETED', amountMoney: { amount: '1250' }, tipMoney: { amount: '175' }, totalMoney: { amount: '1425' } });
    expect(payment.cardDetails).toMatchObject({ status: 'CAPTURED', card: { cardBrand: 'VISA', last4: expect.any(String) } });
    const { receiptNumber, ...fetched } = withReceipt.data!.order!.payments![0]!;
    expect(receiptNumber).toBeTruthy();
    expect(fetched).toEqual(payment);
    expect(fromTenders.data!.order!.tenders[0]!.payment).toEqual(payment);
    expect((await stack.gql(PaymentByIdDocument, { id: payment.squareId })).data!.payment).toEqual(payment);
  });

  it('a field the tender does not hold brings GetPayment back, once per payment', async () => {
    await stack.clearCalls();
    const result = await stack.gql(OrderPaymentsWithReceiptDocument, { id: cardOrderId });
    expect(result.errors).toBeUndefined();
    expect(countCalls(await stack.calls()).GetPayment).toBe(1);
  });

  it('a tender without card details cannot tell the status: GetPayment answers', async () => {
    await stack.clearCalls();
    const result = await stack.gql(OrderPaymentsFromTendersDocument, { id: cashOrderId });
    expect(result.data!.order!.payments![0]).toMatchObject({ status: 'COMPLETED', cardDetails: null, totalMoney: { amount: '800' } });
    expect(countCalls(await stack.calls()).GetPayment).toBe(1);
  });

  it('an order paid in several payments needs their creation times to list them newest first: GetPayment answers Order.payments, the tenders each Tender.payment', async () => {
    await stack.clearCalls();
    const result = await stack.gql(OrderPaymentsFromTendersDocument, { id: splitOrderId });
    const { payments, tenders } = result.data!.order!;
    expect(countCalls(await stack.calls()).GetPayment).toBe(2);
    expect(payments!.map((p) => p.totalMoney!.amount).sort()).toEqual(['400', '600']);
    for (const tender of tenders) expect(tender.payment).toEqual(payments!.find((p) => p.squareId === tender.payment!.squareId));
  });
});
