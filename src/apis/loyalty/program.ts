import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { LoyaltyAccrualType, LoyaltyProgramStatus, LoyaltyTaxMode } from './enums.js';
import { squareIdFrom } from '../../schema/ids.js';
import { Money } from '../../schema/money.js';
import { LoyaltyProgramRef } from './refs.js';

const LoyaltyTerminology = builder.objectRef<Square.LoyaltyProgramTerminology>('LoyaltyTerminology').implement({
  description: 'What the seller calls its points, e.g. Star and Stars.',
  fields: (t) => ({
    one: t.exposeString('one', { nullable: false, description: 'The name of one point.' }),
    other: t.exposeString('other', { nullable: false, description: 'The name of several points.' }),
  }),
});

const LoyaltyAccrualRule = builder.objectRef<Square.LoyaltyProgramAccrualRule>('LoyaltyAccrualRule').implement({
  description: 'One way to earn points. A purchase that meets several rules earns by the one that gives the most.',
  fields: (t) => ({
    accrualType: t.field({ type: LoyaltyAccrualType, nullable: false, description: 'What this rule rewards.', resolve: (r) => r.accrualType }),
    points: t.int({ nullable: false, description: 'Points earned each time the rule is met (for SPEND: per spendAmount spent).', resolve: (r) => r.points ?? 0 }),
    spendAmount: t.field({
      type: Money,
      nullable: true,
      description: 'For SPEND: the amount that earns `points` (e.g. $1.00); null for other rules.',
      resolve: (r) => r.spendData?.amountMoney ?? null,
    }),
    minimumSpend: t.field({
      type: Money,
      nullable: true,
      description: 'For VISIT: the least a purchase must come to for the visit to count; null when any purchase counts, or for other rules.',
      resolve: (r) => r.visitData?.minimumAmountMoney ?? null,
    }),
    taxMode: t.field({
      type: LoyaltyTaxMode,
      nullable: true,
      description: 'For SPEND and VISIT: whether taxes count toward the amount; null for other rules.',
      resolve: (r) => r.spendData?.taxMode ?? r.visitData?.taxMode ?? null,
    }),
    itemVariationSquareId: t.string({
      nullable: true,
      description: 'For ITEM_VARIATION: Square’s id of the catalog item variation that earns points.',
      resolve: (r) => r.itemVariationData?.itemVariationId ?? null,
    }),
    categorySquareId: t.string({
      nullable: true,
      description: 'For CATEGORY: Square’s id of the catalog category whose items earn points.',
      resolve: (r) => r.categoryData?.categoryId ?? null,
    }),
  }),
});

export const LoyaltyRewardTier = builder.objectRef<Square.LoyaltyProgramRewardTier>('LoyaltyRewardTier').implement({
  description: 'A reward buyers can redeem points for, and how many points it takes.',
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s id of the tier, as redeemLoyaltyReward takes it.', resolve: (r) => r.id! }),
    name: t.string({ nullable: false, description: 'What the buyer gets, in the seller’s words (e.g. Free drip coffee).', resolve: (r) => r.name ?? '' }),
    points: t.int({ nullable: false, description: 'Points the reward takes off the balance.', resolve: (r) => r.points }),
  }),
});

builder.node(LoyaltyProgramRef, {
  authScopes: { LOYALTY_READ: true },
  description: 'The seller’s loyalty program: how buyers earn points and what they can redeem them for. A seller has at most one, set up in Square’s Dashboard.',
  id: { resolve: (p) => p.id! },
  loadOne: async (id, ctx) => {
    const program = await ctx.loaders.loyaltyProgram();
    return program?.id === id ? program : null;
  },
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for the program.', resolve: (p) => p.id! }),
    status: t.field({ type: LoyaltyProgramStatus, nullable: false, description: 'Whether the program runs now.', resolve: (p) => p.status ?? 'INACTIVE' }),
    terminology: t.field({ type: LoyaltyTerminology, nullable: true, description: 'What the seller calls its points.', resolve: (p) => p.terminology ?? null }),
    accrualRules: t.field({ type: [LoyaltyAccrualRule], nullable: false, description: 'How buyers earn points.', resolve: (p) => p.accrualRules ?? [] }),
    rewardTiers: t.field({ type: [LoyaltyRewardTier], nullable: false, description: 'What buyers can redeem points for, fewest points first.', resolve: (p) => [...(p.rewardTiers ?? [])].sort((a, b) => a.points - b.points) }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the program was created.', resolve: (p) => p.createdAt ?? null }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the program last changed.', resolve: (p) => p.updatedAt ?? null }),
  }),
});

builder.queryFields((t) => ({
  loyaltyProgram: t.field({
    authScopes: { LOYALTY_READ: true },
    type: LoyaltyProgramRef,
    nullable: true,
    description: 'The seller’s loyalty program (Square RetrieveLoyaltyProgram `main`); null when the seller has none.',
    args: { id: t.arg.id({ required: false, description: 'The program’s id or squareId; omit it for the seller’s one program.' }) },
    resolve: async (_root, args, ctx) => {
      const program = await ctx.loaders.loyaltyProgram();
      if (args.id == null) return program;
      return program?.id === squareIdFrom(String(args.id), 'LoyaltyProgram') ? program : null;
    },
  }),
}));
