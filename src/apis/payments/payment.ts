import type { Square } from 'square';
import type { GatewayContext } from '../../context/gateway-context.js';
import { builder } from '../../schema/builder.js';
import { cardFaceFields } from '../cards/card-face.js';
import { arrayConnection, squareConnection } from '../../schema/connections.js';
import { idList, within } from '../../schema/filters.js';
import { AvsStatus, CardPaymentStatus, CvvStatus, DelayAction, PaymentSourceType, PaymentStatus } from './enums.js';
import { CardEntryMethod } from '../orders/enums.js';
import { squareIdFrom } from '../../schema/ids.js';
import { Money } from '../../schema/money.js';
import { CustomerRef } from '../customers/refs.js';
import { LocationRef } from '../locations/refs.js';
import { OrderRef } from '../orders/refs.js';
import { PaymentConnection, PaymentRef } from './refs.js';
import { RefundRef } from '../refunds/refs.js';
import { TimeRange, timeRange } from '../../schema/time-range.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

/** The payments behind orders' tenders, newest first, each fetched once however many orders share it. */
export async function paymentsOfOrders(ctx: GatewayContext, orders: readonly Square.Order[]): Promise<Square.Payment[]> {
  const ids = [...new Set(orders.flatMap((o) => (o.tenders ?? []).map((t) => t.paymentId ?? t.id).filter((id): id is string => !!id)))];
  const payments = await ctx.loaders.payment.loadMany(ids);
  const found = payments.filter((p): p is Square.Payment => p !== null && !(p instanceof Error));
  const failure = payments.find((p) => p instanceof Error);
  if (failure && found.length === 0) throw failure;
  return found.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
}

const CardSummary = builder.objectRef<Square.Card>('PaymentCard').implement({
  description: 'The card a payment was made with, as the payment recorded it.',
  fields: (t) => cardFaceFields(t),
});

const CardPaymentDetails = builder.objectRef<Square.CardPaymentDetails>('CardPaymentDetails').implement({
  description: 'How a card payment went: the card, how it was entered, and what the checks said.',
  fields: (t) => ({
    status: t.field({
      type: CardPaymentStatus,
      nullable: true,
      description: 'Where the card charge is: authorized, captured, voided or failed.',
      resolve: (d) => (d.status as never) ?? null,
    }),
    card: t.field({ type: CardSummary, nullable: true, description: 'The card that was charged.', resolve: (d) => d.card ?? null }),
    entryMethod: t.field({
      type: CardEntryMethod,
      nullable: true,
      description: 'How the card was presented: swiped, dipped, tapped, keyed or on file.',
      resolve: (d) => (d.entryMethod as never) ?? null,
    }),
    cvvStatus: t.field({
      type: CvvStatus,
      nullable: true,
      description: 'What the security code check said.',
      resolve: (d) => (d.cvvStatus as never) ?? null,
    }),
    avsStatus: t.field({
      type: AvsStatus,
      nullable: true,
      description: 'What the billing postal code check said.',
      resolve: (d) => (d.avsStatus as never) ?? null,
    }),
    statementDescription: t.exposeString('statementDescription', {
      nullable: true,
      description: 'What the buyer sees for this payment on their card statement.',
    }),
  }),
});

const money = (pick: (p: Square.Payment) => Square.Money | undefined) => (p: Square.Payment) => pick(p) ?? null;

builder.node(PaymentRef, {
  ...writtenType('PAYMENTS_READ'),
  description: 'A payment taken by the seller: card, card on file, gift card, bank transfer, cash or external.',
  id: { resolve: (p) => p.id!, ...writeFact('PAYMENTS_READ') },
  loadOne: (id, ctx) => ctx.loaders.payment.load(id),
  fields: (t) => ({
    squareId: t.string({ ...writeFact('PAYMENTS_READ'), nullable: false, description: 'Square’s own id for this payment.', resolve: (p) => p.id! }),
    status: t.field({
      ...writeFact('PAYMENTS_READ'),
      type: PaymentStatus,
      nullable: true,
      description: 'Where the payment is, e.g. APPROVED until it is completed or canceled.',
      resolve: (p) => (p.status as never) ?? null,
    }),
    sourceType: t.field({
      type: PaymentSourceType,
      nullable: true,
      description: 'What paid, e.g. CARD, CASH or WALLET.',
      resolve: (p) => (p.sourceType as never) ?? null,
    }),
    amountMoney: t.field({ type: Money, nullable: true, description: 'What was charged, before tip.', resolve: money((p) => p.amountMoney) }),
    tipMoney: t.field({
      type: Money,
      nullable: true,
      description: 'The tip on top of amountMoney, if any.',
      resolve: money((p) => p.tipMoney),
    }),
    totalMoney: t.field({ type: Money, nullable: true, description: 'Amount plus tip.', resolve: money((p) => p.totalMoney) }),
    approvedMoney: t.field({
      type: Money,
      nullable: true,
      description: 'What the card issuer authorized; less than asked when only part of the amount was approved.',
      resolve: money((p) => p.approvedMoney),
    }),
    refundedMoney: t.field({ type: Money, nullable: true, description: 'What has been refunded so far.', resolve: money((p) => p.refundedMoney) }),
    appFeeMoney: t.field({
      type: Money,
      nullable: true,
      description: 'The part of the payment that goes to the app that took it, if any.',
      resolve: money((p) => p.appFeeMoney),
    }),
    cardDetails: t.field({
      type: CardPaymentDetails,
      nullable: true,
      description: 'The card side of the payment; null unless a card paid.',
      resolve: (p) => p.cardDetails ?? null,
    }),
    customer: t.field({
      authScopes: { CUSTOMERS_READ: true },
      type: CustomerRef,
      nullable: true,
      description: 'The customer the payment names; null when it names none.',
      resolve: (p, _args, ctx) => (p.customerId ? ctx.loaders.customerOrSurvivor.load(p.customerId) : null),
    }),
    order: t.field({
      authScopes: { ORDERS_READ: true },
      type: OrderRef,
      nullable: true,
      description: 'The order this payment pays for; null when it has none.',
      resolve: (p, _args, ctx) => (p.orderId ? ctx.loaders.order.load(p.orderId) : null),
    }),
    location: t.field({
      authScopes: { MERCHANT_PROFILE_READ: true },
      type: LocationRef,
      nullable: true,
      description: 'The location where the payment was taken.',
      resolve: (p, _args, ctx) => (p.locationId ? ctx.loaders.location.load(p.locationId) : null),
    }),
    refunds: t.field({
      extensions: { squareCalls: 'perItem' },
      authScopes: { PAYMENTS_READ: true },
      type: [RefundRef],
      nullable: true,
      description: 'Refunds made from this payment, in full or in part.',
      resolve: async (p, _args, ctx) =>
        (await Promise.all((p.refundIds ?? []).map((id) => ctx.loaders.refund.load(id)))).filter((r) => r !== null),
    }),
    versionToken: t.exposeString('versionToken', {
      nullable: true,
      description: 'Changes whenever the payment changes; pass it to completePayment to refuse completing a payment that changed since you read it.',
    }),
    receiptNumber: t.exposeString('receiptNumber', { nullable: true, description: 'The short receipt number shown to the buyer.' }),
    receiptUrl: t.exposeString('receiptUrl', { nullable: true, description: 'A web address of the buyer’s receipt.' }),
    note: t.exposeString('note', { nullable: true, description: 'A note the seller added to the payment.' }),
    referenceId: t.exposeString('referenceId', { nullable: true, description: 'The seller’s own reference for this payment, if any.' }),
    delayAction: t.field({
      type: DelayAction,
      nullable: true,
      description: 'What happens to an approved payment left alone until delayedUntil.',
      resolve: (p) => (p.delayAction as never) ?? null,
    }),
    delayedUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When delayAction applies if the payment is still approved (neither completed nor canceled).',
      resolve: (p) => p.delayedUntil ?? null,
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the payment was created.',
      resolve: (p) => p.createdAt ?? null,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the payment last changed.',
      resolve: (p) => p.updatedAt ?? null,
    }),
  }),
});

const PaymentFilter = builder.inputType('PaymentFilter', {
  description: 'Narrow the seller’s payments (Square’s ListPayments).',
  fields: (t) => ({
    locationId: t.id({ required: false, description: 'Only payments taken at this location: its global id or squareId.' }),
    createdAt: t.field({ type: TimeRange, required: false, description: 'Only payments created within this range.' }),
    customerIds: t.idList({
      required: false,
      description:
        'At most 10; the payments behind these customers’ orders (as Customer.payments), for a merged profile those of every id it has had.',
    }),
  }),
});

builder.queryFields((t) => ({
  payment: t.field({
    authScopes: { PAYMENTS_READ: true },
    type: PaymentRef,
    nullable: true,
    description: 'One payment by id or squareId.',
    args: { id: t.arg.id({ required: true, description: 'The payment’s global id or its squareId.' }) },
    resolve: (_root, args, ctx) => ctx.loaders.payment.load(squareIdFrom(String(args.id), 'Payment')),
  }),
  payments: t.connection(
    {
      authScopes: { PAYMENTS_READ: true },
      type: PaymentRef,
      nullable: true,
      description: 'The seller’s payments, newest first.',
      args: { filter: t.arg({ type: PaymentFilter, required: false, description: 'Only payments matching every condition given.' }) },
      resolve: async (_root, args, ctx) => {
        const filter = args.filter;
        const range = filter?.createdAt ? timeRange(filter.createdAt) : {};
        const locationId = filter?.locationId ? squareIdFrom(String(filter.locationId), 'Location', 'filter.locationId') : undefined;
        const customerIds = idList(filter?.customerIds, 'Customer', 'filter.customerIds');
        const scope = ['payments', filter];
        if (customerIds) {
          // ListPayments cannot filter by customer: these come from the customers' orders, as Customer.payments do.
          const payments = await paymentsOfOrders(ctx, await ctx.loaders.ordersOfCustomers(customerIds));
          const matching = payments.filter((p) => (!locationId || p.locationId === locationId) && within(p.createdAt, range));
          return arrayConnection(args, matching, { scope, sortKey: (x) => x.createdAt, direction: 'DESC' });
        }
        return squareConnection(
          args,
          (cursor, limit) =>
            ctx.loaders.paymentList({
              cursor,
              limit,
              sortOrder: 'DESC',
              ...(locationId ? { locationId } : {}),
              ...(range.startAt ? { beginTime: range.startAt } : {}),
              ...(range.endAt ? { endTime: range.endAt } : {}),
            }),
          { scope, sortKey: (x) => x.createdAt, direction: 'DESC' },
        );
      },
    },
    PaymentConnection,
  ),
}));

builder.objectFields(CustomerRef, (t) => ({
    payments: t.connection(
      {
        authScopes: { $all: { ORDERS_READ: true, PAYMENTS_READ: true } },
        extensions: { squareCalls: 'perItem' },
        type: PaymentRef,
        nullable: true,
        description: 'Payments behind this customer’s orders, newest first.',
        resolve: async (c, args, ctx) =>
          arrayConnection(args, await paymentsOfOrders(ctx, await ctx.loaders.ordersByCustomer.load(c.id!)), {
            scope: ['Customer.payments', c.id],
            sortKey: (x) => x.createdAt,
            direction: 'DESC',
          }),
      },
      PaymentConnection,
    ),
}));
