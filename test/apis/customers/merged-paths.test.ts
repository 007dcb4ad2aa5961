import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  OrdersOfCustomerDocument,
  PaymentsOfCustomerDocument,
  CustomerOrdersPageDocument,
  CustomerPathsDocument,
  CustomerPaymentsPageDocument,
  OrdersPageDocument,
  PaymentsPageDocument,
} from '../../gql/graphql.js';
import { key } from '../../support/fixtures.js';
import { useGateway } from '../../support/gateway.js';
import { arrangeMerchant, type ArrangedMerchant } from '../../support/merchant.js';
import { merge, untilMerged } from '../../support/merges.js';
import { newCard } from '../../support/payments.js';
import { subscribeSse, type SseSubscription } from '../../support/sse.js';

const stack = useGateway({ webhooks: true });
let merchant: ArrangedMerchant;
let refundId: string;
/** a + b → c, then c + d → e. */
let ids: { a: string; b: string; c: string; d: string; e: string };

beforeAll(async () => {
  const square = stack.square();
  merchant = await arrangeMerchant(square, { customers: 4, ordersPerCustomer: 2, giftCardsEvery: 100 });
  const [a, b, d] = [merchant.customers[0]!, merchant.customers[1]!, merchant.customers[2]!];
  const { refund } = await square.refunds.refundPayment({
    idempotencyKey: key(),
    paymentId: a.paymentIds[0]!,
    amountMoney: { amount: 100n, currency: 'USD' },
  });
  refundId = refund!.id!;
  const c = await merge(stack, [a.id, b.id]);
  await untilMerged(stack, c, 2);
  const e = await merge(stack, [c, d.id]);
  await untilMerged(stack, e, 4);
  ids = { a: a.id, b: b.id, c, d: d.id, e };
});

const orderIdsOf = (...customers: string[]) =>
  new Set(merchant.customers.filter((c) => customers.includes(c.id)).flatMap((c) => c.orderIds));

describe('one answer wherever a client starts after a merge', () => {
  it('an old order, its tenders, its payments and a refund of it lead to the surviving profile, through chains of merges', async () => {
    const a = merchant.customers[0]!;
    const result = await stack.gql(CustomerPathsDocument, { orderId: a.orderIds[0]!, paymentId: a.paymentIds[1]!, refundId });
    expect(result.errors).toBeUndefined();
    const survivor = { squareId: ids.e, resolvedFromMergedId: ids.a };
    expect(result.data).toEqual({
      order: { customer: survivor, tenders: [{ customer: survivor }], payments: [{ customer: survivor }] },
      payment: { customer: survivor },
      refund: { payment: { customer: survivor }, order: { customer: survivor } },
    });
  });

  it('orders(filter: {customerIds}) finds the whole history from the survivor’s id or any merged-away id, as Customer.orders does', async () => {
    const everything = orderIdsOf(ids.a, ids.b, ids.d);
    const fromCustomer = await stack.gql(CustomerOrdersPageDocument, { id: ids.e, first: 50 });
    const history = fromCustomer.data!.customer!.orders!.edges.map((e) => e.node.squareId);
    expect(new Set(history)).toEqual(everything);
    for (const id of [ids.e, ids.c, ids.a, ids.d]) {
      const result = await stack.gql(OrdersPageDocument, { first: 50, filter: { customerIds: [id] } });
      expect(result.errors).toBeUndefined();
      expect(result.data!.orders!.edges.map((e) => e.node.squareId)).toEqual(history);
    }
    // The other conditions still apply: one of the customer's orders by its creation time.
    const [newest] = await stack.square().orders.batchGet({ orderIds: [history[0]!] }).then((r) => r.orders!);
    const narrowed = await stack.gql(OrdersPageDocument, {
      first: 50,
      filter: { customerIds: [ids.a], locationIds: [merchant.locationId], states: ['COMPLETED'], createdAt: { startAt: newest!.createdAt } },
    });
    expect(narrowed.data!.orders!.edges.map((e) => e.node.squareId)).toEqual([history[0]]);
  });

  it('payments(filter: {customerIds}) finds the whole history from any id of the lineage, as Customer.payments does', async () => {
    const everything = new Set(merchant.customers.filter((c) => [ids.a, ids.b, ids.d].includes(c.id)).flatMap((c) => c.paymentIds));
    const fromCustomer = await stack.gql(CustomerPaymentsPageDocument, { id: ids.e, first: 50 });
    const history = fromCustomer.data!.customer!.payments!.edges.map((e) => e.node.squareId);
    expect(new Set(history)).toEqual(everything);
    for (const id of [ids.e, ids.b]) {
      const result = await stack.gql(PaymentsPageDocument, { first: 50, filter: { customerIds: [id] } });
      expect(result.errors).toBeUndefined();
      expect(result.data!.payments!.edges.map((e) => e.node.squareId)).toEqual(history);
    }
  });

  it('a profile never merged still finds only its own orders', async () => {
    const untouched = merchant.customers[3]!;
    const result = await stack.gql(OrdersPageDocument, { first: 50, filter: { customerIds: [untouched.id] } });
    expect(new Set(result.data!.orders!.edges.map((e) => e.node.squareId))).toEqual(
      new Set([...untouched.orderIds, merchant.onlineOrder.orderId]),
    );
  });

  it('live updates for a merged-away id follow the survivor: its new payments and orders are delivered', async () => {
    const open: SseSubscription[] = [];
    try {
      const payments = await subscribeSse(stack.url, print(PaymentsOfCustomerDocument), { customerId: ids.a });
      const orders = await subscribeSse(stack.url, print(OrdersOfCustomerDocument), { customerId: ids.c });
      open.push(payments, orders);
      const square = stack.square();
      const { order } = await square.orders.create({
        idempotencyKey: key(),
        order: { locationId: merchant.locationId, customerId: ids.e, lineItems: [{ name: 'Tea', quantity: '1', basePriceMoney: { amount: 300n, currency: 'USD' } }] },
      });
      const { payment } = await square.payments.create({
        idempotencyKey: key(),
        sourceId: await newCard(square, ids.e),
        customerId: ids.e,
        amountMoney: { amount: 300n, currency: 'USD' },
        orderId: order!.id!,
      });
      const heard = async (s: SseSubscription, pick: (data: any) => string, id: string) => {
        for (;;) {
          const message = await s.next();
          expect(message.errors).toBeUndefined();
          if (pick(message.data) === id) return id;
        }
      };
      expect(await heard(payments, (d) => d.paymentUpdated.squareId, payment!.id!)).toBe(payment!.id);
      expect(await heard(orders, (d) => d.orderUpdated.squareId, order!.id!)).toBe(order!.id);
    } finally {
      open.forEach((s) => s.close());
    }
  });
});
