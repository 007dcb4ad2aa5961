import type { Square } from 'square';
import type { GatewayContext } from '../gateway/context.js';
import { builder } from './builder.js';
import { squareConnection } from './connections.js';
import {
  AvsStatus,
  CardBrand,
  CardEntryMethod,
  CardPaymentStatus,
  CardPrepaidType,
  CardType,
  CvvStatus,
  DelayAction,
  PaymentSourceType,
  PaymentStatus,
} from './enums.js';
import { squareIdFrom } from './ids.js';
import { Money } from './money.js';
import { CustomerRef, LocationRef, OrderRef, PaymentConnection, PaymentRef, RefundRef } from './refs.js';
import { TimeRange, timeRange } from './customer.js';

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
  fields: (t) => ({
    cardBrand: t.field({ type: CardBrand, nullable: true, resolve: (c) => c.cardBrand ?? null }),
    last4: t.exposeString('last4', { nullable: true }),
    expMonth: t.int({ nullable: true, resolve: (c) => (c.expMonth == null ? null : Number(c.expMonth)) }),
    expYear: t.int({ nullable: true, resolve: (c) => (c.expYear == null ? null : Number(c.expYear)) }),
    fingerprint: t.exposeString('fingerprint', { nullable: true }),
    cardType: t.field({ type: CardType, nullable: true, resolve: (c) => c.cardType ?? null }),
    prepaidType: t.field({ type: CardPrepaidType, nullable: true, resolve: (c) => c.prepaidType ?? null }),
    bin: t.exposeString('bin', { nullable: true }),
  }),
});

const CardPaymentDetails = builder.objectRef<Square.CardPaymentDetails>('CardPaymentDetails').implement({
  description: 'How a card payment went: the card, how it was entered, and what the checks said.',
  fields: (t) => ({
    status: t.field({ type: CardPaymentStatus, nullable: true, resolve: (d) => (d.status as never) ?? null }),
    card: t.field({ type: CardSummary, nullable: true, resolve: (d) => d.card ?? null }),
    entryMethod: t.field({ type: CardEntryMethod, nullable: true, resolve: (d) => (d.entryMethod as never) ?? null }),
    cvvStatus: t.field({ type: CvvStatus, nullable: true, resolve: (d) => (d.cvvStatus as never) ?? null }),
    avsStatus: t.field({ type: AvsStatus, nullable: true, resolve: (d) => (d.avsStatus as never) ?? null }),
    statementDescription: t.exposeString('statementDescription', { nullable: true }),
  }),
});

const money = (pick: (p: Square.Payment) => Square.Money | undefined) => (p: Square.Payment) => pick(p) ?? null;

builder.node(PaymentRef, {
  description: 'A payment taken by the seller: card, card on file, gift card, bank transfer, cash or external.',
  id: { resolve: (p) => p.id! },
  loadOne: (id, ctx) => ctx.loaders.payment.load(id),
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this payment.', resolve: (p) => p.id! }),
    status: t.field({ type: PaymentStatus, nullable: true, resolve: (p) => (p.status as never) ?? null }),
    sourceType: t.field({ type: PaymentSourceType, nullable: true, resolve: (p) => (p.sourceType as never) ?? null }),
    amountMoney: t.field({ type: Money, nullable: true, description: 'What was charged, before tip.', resolve: money((p) => p.amountMoney) }),
    tipMoney: t.field({ type: Money, nullable: true, resolve: money((p) => p.tipMoney) }),
    totalMoney: t.field({ type: Money, nullable: true, description: 'Amount plus tip.', resolve: money((p) => p.totalMoney) }),
    approvedMoney: t.field({ type: Money, nullable: true, resolve: money((p) => p.approvedMoney) }),
    refundedMoney: t.field({ type: Money, nullable: true, description: 'What has been refunded so far.', resolve: money((p) => p.refundedMoney) }),
    appFeeMoney: t.field({ type: Money, nullable: true, resolve: money((p) => p.appFeeMoney) }),
    cardDetails: t.field({ type: CardPaymentDetails, nullable: true, resolve: (p) => p.cardDetails ?? null }),
    customer: t.field({
      type: CustomerRef,
      nullable: true,
      resolve: (p, _args, ctx) => (p.customerId ? ctx.loaders.customer.load(p.customerId) : null),
    }),
    order: t.field({
      type: OrderRef,
      nullable: true,
      resolve: (p, _args, ctx) => (p.orderId ? ctx.loaders.order.load(p.orderId) : null),
    }),
    location: t.field({
      type: LocationRef,
      nullable: true,
      resolve: (p, _args, ctx) => (p.locationId ? ctx.loaders.location.load(p.locationId) : null),
    }),
    refunds: t.field({
      type: [RefundRef],
      nullable: false,
      resolve: async (p, _args, ctx) =>
        (await Promise.all((p.refundIds ?? []).map((id) => ctx.loaders.refund.load(id)))).filter((r) => r !== null),
    }),
    receiptNumber: t.exposeString('receiptNumber', { nullable: true }),
    receiptUrl: t.exposeString('receiptUrl', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    referenceId: t.exposeString('referenceId', { nullable: true }),
    delayAction: t.field({
      type: DelayAction,
      nullable: true,
      description: 'What happens to an approved payment left alone until delayedUntil.',
      resolve: (p) => (p.delayAction as never) ?? null,
    }),
    delayedUntil: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.delayedUntil ?? null }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.createdAt ?? null }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.updatedAt ?? null }),
  }),
});

const PaymentFilter = builder.inputType('PaymentFilter', {
  description: 'Narrow the seller’s payments (Square’s ListPayments).',
  fields: (t) => ({
    locationId: t.id({ required: false }),
    createdAt: t.field({ type: TimeRange, required: false }),
  }),
});

builder.queryFields((t) => ({
  payment: t.field({
    type: PaymentRef,
    nullable: true,
    description: 'One payment by id or squareId.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.loaders.payment.load(squareIdFrom(String(args.id), 'Payment')),
  }),
  payments: t.connection(
    {
      type: PaymentRef,
      nullable: false,
      description: 'The seller’s payments, newest first.',
      args: { filter: t.arg({ type: PaymentFilter, required: false }) },
      resolve: (_root, args, ctx) => {
        const filter = args.filter;
        const range = filter?.createdAt ? timeRange(filter.createdAt) : {};
        const locationId = filter?.locationId ? squareIdFrom(String(filter.locationId), 'Location', 'filter.locationId') : undefined;
        return squareConnection(args, async (cursor) => {
          const page = await ctx.loaders.call(() =>
            ctx.square.payments.list({
              cursor,
              limit: 100,
              sortOrder: 'DESC',
              ...(locationId ? { locationId } : {}),
              ...(range.startAt ? { beginTime: range.startAt } : {}),
              ...(range.endAt ? { endTime: range.endAt } : {}),
            }),
          );
          for (const p of page.data) ctx.loaders.payment.prime(p.id!, p);
          return { items: page.data, cursor: page.response.cursor };
        });
      },
    },
    PaymentConnection,
  ),
}));
