import { builder } from '../../schema/builder.js';
import { RefundStatus } from './enums.js';
import { squareIdFrom } from '../../schema/ids.js';
import { Money } from '../../schema/money.js';
import { LocationRef } from '../locations/refs.js';
import { OrderRef } from '../orders/refs.js';
import { PaymentRef } from '../payments/refs.js';
import { RefundRef } from './refs.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

builder.node(RefundRef, {
  ...writtenType('PAYMENTS_READ'),
  description: 'Money returned to a buyer from a payment, in full or in part.',
  id: { resolve: (r) => r.id, ...writeFact('PAYMENTS_READ') },
  loadOne: (id, ctx) => ctx.loaders.refund.load(id),
  fields: (t) => ({
    squareId: t.string({ ...writeFact('PAYMENTS_READ'), nullable: false, description: 'Square’s own id for this refund.', resolve: (r) => r.id }),
    status: t.field({
      ...writeFact('PAYMENTS_READ'),
      type: RefundStatus,
      nullable: true,
      description: 'Pending, completed, rejected or failed.',
      resolve: (r) => (r.status as never) ?? null,
    }),
    amountMoney: t.field({ type: Money, nullable: false, description: 'How much was given back.', resolve: (r) => r.amountMoney }),
    appFeeMoney: t.field({
      type: Money,
      nullable: true,
      description: 'What the app that took the payment gave back from its fee toward the refund, if anything.',
      resolve: (r) => r.appFeeMoney ?? null,
    }),
    processingFeeMoney: t.field({
      type: Money,
      nullable: true,
      description: 'Square’s processing fee adjustment for the refund; null until Square has worked it out.',
      resolve: (r) => r.processingFee?.[0]?.amountMoney ?? null,
    }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why the refund was made, as the seller put it.' }),
    payment: t.field({
      extensions: { squareCalls: 'once' },
      authScopes: { PAYMENTS_READ: true },
      type: PaymentRef,
      nullable: true,
      description: 'The payment the money came back from.',
      resolve: (r, _args, ctx) => (r.paymentId ? ctx.loaders.payment.load(r.paymentId) : null),
    }),
    order: t.field({
      authScopes: { ORDERS_READ: true },
      type: OrderRef,
      nullable: true,
      description: 'The order of the refunded payment, if it has one.',
      resolve: (r, _args, ctx) => (r.orderId ? ctx.loaders.order.load(r.orderId) : null),
    }),
    location: t.field({
      authScopes: { MERCHANT_PROFILE_READ: true },
      type: LocationRef,
      nullable: true,
      description: 'The location that made the refund.',
      resolve: (r, _args, ctx) => (r.locationId ? ctx.loaders.location.load(r.locationId) : null),
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the refund was asked for.',
      resolve: (r) => r.createdAt ?? null,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the refund last changed, e.g. when it completed.',
      resolve: (r) => r.updatedAt ?? null,
    }),
  }),
});

builder.queryFields((t) => ({
  refund: t.field({
    authScopes: { PAYMENTS_READ: true },
    type: RefundRef,
    nullable: true,
    description: 'One refund by id or squareId.',
    args: { id: t.arg.id({ required: true, description: 'The refund’s global id or its squareId.' }) },
    resolve: (_root, args, ctx) => ctx.loaders.refund.load(squareIdFrom(String(args.id), 'Refund')),
  }),
}));
