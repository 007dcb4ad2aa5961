import type { Square } from 'square';
import { builder } from './builder.js';
import { Address } from './address.js';
import { arrayConnection, squareConnection } from './connections.js';
import { CustomerCreationSource, OrderState } from './enums.js';
import { squareIdFrom } from './ids.js';
import { paymentsOfOrders } from './payment.js';
import { CardRef, CustomerConnection, CustomerRef, GiftCardRef, OrderConnection, OrderRef, PaymentConnection, PaymentRef } from './refs.js';

const CustomerPreferences = builder.objectRef<Square.CustomerPreferences>('CustomerPreferences').implement({
  description: 'What a customer agreed to receive.',
  fields: (t) => ({
    emailUnsubscribed: t.exposeBoolean('emailUnsubscribed', {
      nullable: true,
      description: 'True when the customer opted out of marketing email.',
    }),
  }),
});

builder.node(CustomerRef, {
  description: 'A customer profile of the seller, with the cards, gift cards, orders and payments that belong to it.',
  id: { resolve: (c) => c.id! },
  loadOne: (id, ctx) => ctx.loaders.customer.load(id),
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this customer.', resolve: (c) => c.id! }),
    givenName: t.exposeString('givenName', { nullable: true }),
    familyName: t.exposeString('familyName', { nullable: true }),
    companyName: t.exposeString('companyName', { nullable: true }),
    nickname: t.exposeString('nickname', { nullable: true }),
    emailAddress: t.exposeString('emailAddress', { nullable: true }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true }),
    referenceId: t.exposeString('referenceId', { nullable: true, description: 'The seller’s own reference, e.g. a CRM id.' }),
    note: t.exposeString('note', { nullable: true }),
    birthday: t.exposeString('birthday', { nullable: true, description: 'YYYY-MM-DD, or 0000-MM-DD when the year is unknown.' }),
    address: t.field({ type: Address, nullable: true, resolve: (c) => c.address ?? null }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.createdAt ?? null }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.updatedAt ?? null }),
    version: t.field({
      type: 'BigInt',
      nullable: true,
      description: 'Increases with every change; pass it to updates so that a stale write is refused.',
      resolve: (c) => c.version ?? null,
    }),
    preferences: t.field({ type: CustomerPreferences, nullable: true, resolve: (c) => c.preferences ?? null }),
    creationSource: t.field({ type: CustomerCreationSource, nullable: true, resolve: (c) => c.creationSource ?? null }),
    cards: t.field({
      type: [CardRef],
      nullable: false,
      description: 'Cards on file for this customer (Cards API), newest last.',
      args: { includeDisabled: t.arg.boolean({ defaultValue: false, required: false }) },
      resolve: async (c, args, ctx) => {
        const cards = await ctx.loaders.cardsByCustomer.load(c.id!);
        return args.includeDisabled ? cards : cards.filter((card) => card.enabled !== false);
      },
    }),
    giftCards: t.field({
      type: [GiftCardRef],
      nullable: false,
      description: 'Gift cards linked to this customer.',
      resolve: (c, _args, ctx) => ctx.loaders.giftCardsByCustomer.load(c.id!),
    }),
    orders: t.connection(
      {
        type: OrderRef,
        nullable: false,
        description:
          'Orders of this customer, newest first: those that name the customer and those paid by the customer (Square Online orders name the customer only on the payment).',
        args: { states: t.arg({ type: [OrderState], required: false }) },
        resolve: async (c, args, ctx) => {
          const orders = await ctx.loaders.ordersByCustomer.load(c.id!);
          const states = args.states;
          return arrayConnection(args, states?.length ? orders.filter((o) => states.includes(o.state as never)) : orders);
        },
      },
      OrderConnection,
    ),
    payments: t.connection(
      {
        type: PaymentRef,
        nullable: false,
        description: 'Payments behind this customer’s orders, newest first.',
        resolve: async (c, args, ctx) =>
          arrayConnection(args, await paymentsOfOrders(ctx, await ctx.loaders.ordersByCustomer.load(c.id!))),
      },
      PaymentConnection,
    ),
  }),
});

const TextFilter = builder.inputType('CustomerTextFilter', {
  description: 'Match a text field exactly, or fuzzily (contains, ignoring case; digits only for phone numbers).',
  fields: (t) => ({ exact: t.string({ required: false }), fuzzy: t.string({ required: false }) }),
});

const TimeRange = builder.inputType('TimeRange', {
  description: 'A time range; either end may be left open.',
  fields: (t) => ({ startAt: t.field({ type: 'DateTime', required: false }), endAt: t.field({ type: 'DateTime', required: false }) }),
});

const CustomerFilter = builder.inputType('CustomerFilter', {
  description: 'Find customers by contact details, reference or creation time (Square’s SearchCustomers).',
  fields: (t) => ({
    emailAddress: t.field({ type: TextFilter, required: false }),
    phoneNumber: t.field({ type: TextFilter, required: false }),
    referenceId: t.field({ type: TextFilter, required: false }),
    createdAt: t.field({ type: TimeRange, required: false }),
  }),
});

builder.queryFields((t) => ({
  customer: t.field({
    type: CustomerRef,
    nullable: true,
    description: 'One customer by id or squareId; null when the seller has no such customer.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.loaders.customer.load(squareIdFrom(String(args.id), 'Customer')),
  }),
  customers: t.connection(
    {
      type: CustomerRef,
      nullable: false,
      description: 'The seller’s customers; with a filter, those that match it.',
      args: { filter: t.arg({ type: CustomerFilter, required: false }) },
      resolve: (_root, args, ctx) => {
        const filter = args.filter;
        const hasFilter = Boolean(filter && Object.values(filter).some((v) => v != null));
        return squareConnection(args, async (cursor) => {
          const page = hasFilter
            ? await ctx.loaders.call(() =>
                  ctx.square.customers.search({
                    cursor,
                    limit: 100n,
                    query: {
                      filter: {
                        ...(filter?.emailAddress ? { emailAddress: textFilter(filter.emailAddress) } : {}),
                        ...(filter?.phoneNumber ? { phoneNumber: textFilter(filter.phoneNumber) } : {}),
                        ...(filter?.referenceId ? { referenceId: textFilter(filter.referenceId) } : {}),
                        ...(filter?.createdAt ? { createdAt: timeRange(filter.createdAt) } : {}),
                      },
                    },
                  }),
                )
            : (await ctx.loaders.call(() => ctx.square.customers.list({ cursor, limit: 100 }))).response;
          for (const customer of page.customers ?? []) ctx.loaders.customer.prime(customer.id!, customer);
          return { items: page.customers ?? [], cursor: page.cursor };
        });
      },
    },
    CustomerConnection,
  ),
}));

function textFilter(f: { exact?: string | null; fuzzy?: string | null }) {
  return { ...(f.exact != null ? { exact: f.exact } : {}), ...(f.fuzzy != null ? { fuzzy: f.fuzzy } : {}) };
}

export function timeRange(r: { startAt?: string | null; endAt?: string | null }) {
  return { ...(r.startAt ? { startAt: r.startAt } : {}), ...(r.endAt ? { endAt: r.endAt } : {}) };
}

export { TimeRange };
