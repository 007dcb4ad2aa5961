import { GraphQLError } from 'graphql';
import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { squareIdFrom } from '../../schema/ids.js';
import { customerIds, deliver, liveObjects } from '../../schema/subscriptions.js';
import { CustomerRef } from '../customers/refs.js';
import { LoyaltyAccountRef, LoyaltyEventRef, LoyaltyProgramRef } from './refs.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

/** SearchLoyaltyEvents answers at most 30 events a call. */
const MAX_EVENTS = 30;

builder.node(LoyaltyAccountRef, {
  ...writtenType('LOYALTY_READ'),
  description: 'A buyer’s membership of the seller’s loyalty program, with its point balance.',
  id: { resolve: (a) => a.id!, ...writeFact('LOYALTY_READ') },
  loadOne: (id, ctx) => ctx.loaders.loyaltyAccount.load(id),
  fields: (t) => ({
    squareId: t.string({ ...writeFact('LOYALTY_READ'), nullable: false, description: 'Square’s own id for the account.', resolve: (a) => a.id! }),
    balance: t.int({ ...writeFact('LOYALTY_READ'), nullable: false, description: 'Points available to redeem now (points locked in issued rewards are not).', resolve: (a) => a.balance ?? 0 }),
    lifetimePoints: t.int({ nullable: false, description: 'Every point the buyer ever earned, whatever was redeemed since.', resolve: (a) => a.lifetimePoints ?? 0 }),
    phoneNumber: t.string({
      authScopes: { CUSTOMERS_READ: true },
      nullable: true,
      description: 'The phone number the buyer enrolled with (E.164).',
      resolve: (a) => a.mapping?.phoneNumber ?? null,
    }),
    enrolledAt: t.field({ type: 'DateTime', nullable: true, description: 'When the buyer joined the program.', resolve: (a) => a.enrolledAt ?? null }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the balance last changed.', resolve: (a) => a.updatedAt ?? null }),
    customer: t.field({
      authScopes: { CUSTOMERS_READ: true },
      type: CustomerRef,
      nullable: true,
      description: 'The buyer’s customer profile; null when it no longer exists.',
      resolve: (a, _args, ctx) => (a.customerId ? ctx.loaders.customerOrSurvivor.load(a.customerId) : null),
    }),
    program: t.field({
      type: LoyaltyProgramRef,
      nullable: true,
      description: 'The program the account belongs to.',
      resolve: async (_a, _args, ctx) => ctx.loaders.loyaltyProgram(),
    }),
    events: t.field({
      extensions: { squareCalls: 'once' },
      type: [LoyaltyEventRef],
      nullable: true,
      description: `The account’s latest ledger events, newest first (Square SearchLoyaltyEvents: one call per account, never cached).`,
      args: { first: t.arg.int({ required: false, defaultValue: 10, description: `How many, 1 to ${MAX_EVENTS}; 10 when omitted.` }) },
      resolve: async (a, { first }, ctx) => {
        const limit = first ?? 10;
        if (limit < 1 || limit > MAX_EVENTS) {
          throw new GraphQLError(`first must be between 1 and ${MAX_EVENTS}.`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
        }
        return ctx.loaders.loyaltyEvents(a.id!, limit);
      },
    }),
  }),
});

builder.objectField(CustomerRef, 'loyaltyAccount', (t) =>
  t.field({
    extensions: { squareCalls: 'once' },
    authScopes: { LOYALTY_READ: true },
    type: LoyaltyAccountRef,
    nullable: true,
    description: 'The customer’s account in the seller’s loyalty program, with its balance; null when not enrolled.',
    resolve: (c, _args, ctx) => ctx.loaders.loyaltyAccountByCustomer.load(c.id!),
  }),
);

builder.queryFields((t) => ({
  loyaltyAccount: t.field({
    authScopes: { LOYALTY_READ: true },
    type: LoyaltyAccountRef,
    nullable: true,
    description: 'One loyalty account by id or squareId.',
    args: { id: t.arg.id({ required: true, description: 'The account’s global id or its squareId.' }) },
    resolve: (_root, args, ctx) => ctx.loaders.loyaltyAccount.load(squareIdFrom(String(args.id), 'LoyaltyAccount')),
  }),
}));

/** The Square events that change a loyalty account: its live update's, and its outbound webhook topic's (src/outbound/topics.ts). */
export const LOYALTY_ACCOUNT_EVENTS: ReadonlySet<string> = new Set(['loyalty.account.created', 'loyalty.account.updated']);

builder.subscriptionFields((t) => ({
  loyaltyAccountUpdated: t.field({
    authScopes: { LOYALTY_READ: true },
    type: LoyaltyAccountRef,
    nullable: false,
    description:
      'Each loyalty account as its balance changes or it is created (loyalty.account.created, loyalty.account.updated), optionally only one customer’s: points earned, adjusted, locked for a reward or given back.',
    args: { customerId: t.arg.id({ required: false, description: 'Only this customer’s account (its id or squareId).' }) },
    subscribe: async (_root, args, ctx) => {
      const customers = await customerIds(ctx, args.customerId);
      return liveObjects<Square.LoyaltyAccount>(ctx, {
        types: LOYALTY_ACCOUNT_EVENTS,
        load: (c, event) => c.loaders.loyaltyAccount.load(event.objectId),
        matches: (a) => !customers || customers.has(a.customerId),
      });
    },
    resolve: (delivered, _args, ctx) => deliver(delivered, ctx),
  }),
}));
