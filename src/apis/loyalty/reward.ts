import { builder } from '../../schema/builder.js';
import { LoyaltyRewardStatus } from './enums.js';
import { LoyaltyRewardTier } from './program.js';
import { LoyaltyAccountRef, LoyaltyRewardRef } from './refs.js';
import { OrderRef } from '../orders/refs.js';

builder.objectType(LoyaltyRewardRef, {
  description: 'Points of a loyalty account turned into a reward of one tier: issued (points locked), then redeemed, or deleted (points given back).',
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for the reward.', resolve: (r) => r.id! }),
    status: t.field({ type: LoyaltyRewardStatus, nullable: false, description: 'Where the reward is.', resolve: (r) => r.status ?? 'ISSUED' }),
    points: t.int({ nullable: false, description: 'Points the reward took off the balance.', resolve: (r) => r.points ?? 0 }),
    rewardTier: t.field({
      type: LoyaltyRewardTier,
      nullable: true,
      description: 'The tier the reward is of; null when the program no longer has it.',
      resolve: async (r, _args, ctx) => (await ctx.loaders.loyaltyProgram())?.rewardTiers?.find((tier) => tier.id === r.rewardTierId) ?? null,
    }),
    account: t.field({
      type: LoyaltyAccountRef,
      nullable: true,
      description: 'The loyalty account whose points the reward took.',
      resolve: (r, _args, ctx) => ctx.loaders.loyaltyAccount.load(r.loyaltyAccountId),
    }),
    order: t.field({
      authScopes: { ORDERS_READ: true },
      type: OrderRef,
      nullable: true,
      description: 'The order the reward was added to; null when none.',
      resolve: (r, _args, ctx) => (r.orderId ? ctx.loaders.order.load(r.orderId) : null),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the reward was issued.', resolve: (r) => r.createdAt ?? null }),
    redeemedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was redeemed; null until then.', resolve: (r) => r.redeemedAt ?? null }),
  }),
});
