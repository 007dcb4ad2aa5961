import { GraphQLError } from 'graphql';
import type { Square } from 'square';
import { GIFT_CARDS_PAGE } from './loaders.js';
import { builder } from '../../schema/builder.js';
import { squareConnection } from '../../schema/connections.js';
import { GiftCardActivityType, GiftCardState, GiftCardType } from './enums.js';
import { ganHint, squareIdFrom } from '../../schema/ids.js';
import { Money } from '../../schema/money.js';
import { CustomerRef } from '../customers/refs.js';
import { GiftCardActivityConnection, GiftCardActivityRef, GiftCardConnection, GiftCardRef } from './refs.js';
import { LocationRef } from '../locations/refs.js';
import { PaymentRef } from '../payments/refs.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

/** Square keeps the payment behind a redemption inside the type-specific details. */
function activityPaymentId(a: Square.GiftCardActivity): string | undefined {
  return a.redeemActivityDetails?.paymentId ?? a.refundActivityDetails?.paymentId ?? undefined;
}

/** The amount an activity moved, wherever its type keeps it. */
function activityAmount(a: Square.GiftCardActivity): Square.Money | undefined {
  const details =
    a.activateActivityDetails ??
    a.loadActivityDetails ??
    a.redeemActivityDetails ??
    a.adjustIncrementActivityDetails ??
    a.adjustDecrementActivityDetails ??
    a.refundActivityDetails ??
    a.unlinkedActivityRefundActivityDetails ??
    a.clearBalanceActivityDetails;
  return details && 'amountMoney' in details ? (details.amountMoney as Square.Money | undefined) : undefined;
}

builder.objectType(GiftCardActivityRef, {
  ...writtenType('GIFTCARDS_READ'),
  description:
    'Something that happened to a gift card: activation, load, redemption, adjustment, refund, deactivation. Square offers no lookup of a single activity, so activities are reached through their gift card.',
  fields: (t) => ({
    squareId: t.string({ ...writeFact('GIFTCARDS_READ'), nullable: false, description: 'Square’s own id for this activity.', resolve: (a) => a.id! }),
    type: t.field({
      ...writeFact('GIFTCARDS_READ'),
      type: GiftCardActivityType,
      nullable: false,
      description: 'What the activity did, e.g. LOAD or REDEEM.',
      resolve: (a) => a.type,
    }),
    amountMoney: t.field({ type: Money, nullable: true, description: 'What the activity moved, when it moved money.', resolve: (a) => activityAmount(a) ?? null }),
    balanceMoney: t.field({ ...writeFact('GIFTCARDS_READ'), type: Money, nullable: true, description: 'The card’s balance right after.', resolve: (a) => a.giftCardBalanceMoney ?? null }),
    location: t.field({
      authScopes: { MERCHANT_PROFILE_READ: true },
      type: LocationRef,
      nullable: true,
      description: 'The location where the activity took place.',
      resolve: (a, _args, ctx) => ctx.loaders.location.load(a.locationId),
    }),
    payment: t.field({
      extensions: { squareCalls: 'once' },
      authScopes: { PAYMENTS_READ: true },
      type: PaymentRef,
      nullable: true,
      description: 'The payment behind a redemption or refund; null for other kinds of activity.',
      resolve: (a, _args, ctx) => {
        const id = activityPaymentId(a);
        return id ? ctx.loaders.payment.load(id) : null;
      },
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the activity took place.',
      resolve: (a) => a.createdAt ?? null,
    }),
    giftCard: t.field({
      type: GiftCardRef,
      nullable: true,
      description: 'The gift card the activity belongs to, as it stands now.',
      resolve: (a, _args, ctx) => (a.giftCardId ? ctx.loaders.giftCard.load(a.giftCardId) : null),
    }),
  }),
});

builder.node(GiftCardRef, {
  ...writtenType('GIFTCARDS_READ'),
  description: 'A Square gift card, its balance and history, and the customers it is linked to.',
  id: { resolve: (g) => g.id!, ...writeFact('GIFTCARDS_READ') },
  loadOne: (id, ctx) => ctx.loaders.giftCard.load(id),
  fields: (t) => ({
    squareId: t.string({ ...writeFact('GIFTCARDS_READ'), nullable: false, description: 'Square’s own id for this gift card (gftc:…).', resolve: (g) => g.id! }),
    gan: t.exposeString('gan', { nullable: true, description: 'The gift card account number printed on or sent with the card.' }),
    type: t.field({ type: GiftCardType, nullable: false, description: 'Physical or digital.', resolve: (g) => g.type }),
    state: t.field({
      ...writeFact('GIFTCARDS_READ'),
      type: GiftCardState,
      nullable: true,
      description: 'Where the card is in its life, e.g. ACTIVE; null when Square did not report it.',
      resolve: (g) => g.state ?? null,
    }),
    balanceMoney: t.field({
      type: Money,
      nullable: true,
      description: 'What is left to spend on the card.',
      resolve: (g) => g.balanceMoney ?? null,
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the gift card was created.',
      resolve: (g) => g.createdAt ?? null,
    }),
    customers: t.field({
      authScopes: { CUSTOMERS_READ: true },
      type: [CustomerRef],
      nullable: true,
      description: 'Customers this gift card is linked to, as a card on file; a profile merged away counts as the one it was merged into.',
      resolve: async (g, _args, ctx) => {
        const linked = await ctx.loaders.customerOrSurvivor.loadMany(g.customerIds ?? []);
        const failure = linked.find((c) => c instanceof Error);
        if (failure) throw failure;
        const found = linked.filter((c): c is Square.Customer => c !== null && !(c instanceof Error));
        // Two linked profiles merged into one are one customer now.
        return [...new Map(found.map((c) => [c.id, c])).values()];
      },
    }),
    activities: t.connection(
      {
        extensions: { squareCalls: 'once' },
        authScopes: { GIFTCARDS_READ: true },
        type: GiftCardActivityRef,
        nullable: true,
        description: 'What happened to this gift card, newest first.',
        resolve: (g, args, ctx) =>
          squareConnection(
            args,
            (cursor, limit) => ctx.loaders.giftCardActivityList({ giftCardId: g.id!, cursor, limit, sortOrder: 'DESC' }),
            { scope: ['GiftCard.activities', g.id], sortKey: (x) => x.createdAt, direction: 'DESC' },
          ),
      },
      GiftCardActivityConnection,
    ),
  }),
});

const GiftCardFilter = builder.inputType('GiftCardFilter', {
  description: 'Which gift cards to list (Square’s ListGiftCards filters); every condition given must hold.',
  fields: (t) => ({
    state: t.field({ type: GiftCardState, required: false, description: 'Only gift cards in this state.' }),
    type: t.field({ type: GiftCardType, required: false, description: 'Only physical or only digital gift cards.' }),
    customerId: t.id({ required: false, description: 'Only gift cards on file for this customer (id or squareId).' }),
  }),
});

builder.queryFields((t) => ({
  giftCard: t.field({
    authScopes: { GIFTCARDS_READ: true },
    type: GiftCardRef,
    nullable: true,
    description: 'One gift card by id or squareId; for the account number on the card, use giftCardByGan.',
    args: { id: t.arg.id({ required: true, description: 'The gift card’s global id or its squareId (gftc:…).' }) },
    resolve: (_root, args, ctx) => {
      const hint = ganHint(String(args.id));
      if (hint) throw new GraphQLError(hint, { extensions: { code: 'BAD_USER_INPUT', argument: 'id' } });
      return ctx.loaders.giftCard.load(squareIdFrom(String(args.id), 'GiftCard'));
    },
  }),
  giftCards: t.connection(
    {
      authScopes: { GIFTCARDS_READ: true },
      type: GiftCardRef,
      nullable: true,
      description: 'The seller’s gift cards; with a filter, those that match it.',
      args: {
        filter: t.arg({ type: GiftCardFilter, required: false, description: 'Only gift cards matching every condition given; all when absent.' }),
      },
      resolve: (_root, args, ctx) => {
        const { state, type, customerId } = args.filter ?? {};
        const customer = customerId != null ? squareIdFrom(String(customerId), 'Customer', 'filter.customerId') : undefined;
        return squareConnection(
          args,
          (cursor, limit) =>
            ctx.loaders.giftCardList({
              cursor,
              limit: Math.min(limit, GIFT_CARDS_PAGE),
              ...(state ? { state } : {}),
              ...(type ? { type } : {}),
              ...(customer ? { customerId: customer } : {}),
            }),
          // Square lists gift cards oldest first.
          { scope: ['giftCards', state, type, customer], sortKey: (g) => g.createdAt, direction: 'ASC' },
        );
      },
    },
    GiftCardConnection,
  ),
  giftCardByGan: t.field({
    authScopes: { GIFTCARDS_READ: true },
    type: GiftCardRef,
    nullable: true,
    description: 'One gift card by the account number on it.',
    args: {
      gan: t.arg.string({ required: true, description: 'The gift card account number (GAN), as printed on or sent with the card.' }),
    },
    resolve: (_root, args, ctx) => ctx.loaders.giftCardByGan.load(args.gan),
  }),
}));

builder.objectFields(CustomerRef, (t) => ({
    giftCards: t.field({
      authScopes: { GIFTCARDS_READ: true },
      extensions: { squareCalls: 'once' },
      type: [GiftCardRef],
      nullable: true,
      description: 'Gift cards linked to this customer.',
      resolve: (c, _args, ctx) => ctx.loaders.giftCardsByCustomer.load(c.id!),
    }),
}));
