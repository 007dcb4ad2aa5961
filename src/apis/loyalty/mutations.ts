import type { Square } from 'square';
import { z } from 'zod';
import type { GatewayContext } from '../../context/gateway-context.js';
import { staleAfter } from './events.js';
import { builder } from '../../schema/builder.js';
import { ConflictError, ErrorInterface, GatewayError, NotFoundError, ValidationError } from '../../schema/errors.js';
import { LoyaltyAccountRef, LoyaltyRewardRef } from './refs.js';
import { idInput, idempotencyKey, mutationErrors, present, squareWrite, validateInput } from '../../schema/write.js';

/**
 * Square takes 128-character keys for loyalty writes; redeeming makes two (create the
 * reward, then redeem it), each under the client's key and a suffix, so the client's is shorter.
 */
const REDEEM_KEY_MAX = 120;

/** The account has fewer points than the reward tier takes; nothing was locked. */
export class InsufficientPointsError extends GatewayError {
  constructor(
    readonly balance: number,
    readonly required: number,
  ) {
    super(`The loyalty account has ${balance} points; this reward takes ${required}.`, 'INSUFFICIENT_POINTS');
  }
}

builder.objectType(InsufficientPointsError, {
  name: 'InsufficientPointsError',
  description: 'The loyalty account’s balance is less than the reward tier takes; no points were locked.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof InsufficientPointsError,
  fields: (t) => ({
    balance: t.exposeInt('balance', { nullable: false, description: 'The account’s balance when the reward was refused.' }),
    required: t.exposeInt('required', { nullable: false, description: 'Points the reward tier takes.' }),
  }),
});

const accumulateSchema = z
  .object({
    points: z.number().int().min(1, 'points must be at least 1').optional(),
    orderId: z.string().optional(),
    idempotencyKey: idempotencyKey(128),
  })
  .superRefine((input, ctx) => {
    if ((input.points === undefined) === (input.orderId === undefined))
      ctx.addIssue({ code: 'custom', path: ['points'], message: 'Pass either orderId (Square computes the points of the paid order) or points, not both.' });
  });

const redeemSchema = z.object({
  rewardTierId: z.string().min(1, 'rewardTierId must not be empty').max(36, 'rewardTierId is at most 36 characters'),
  idempotencyKey: idempotencyKey(REDEEM_KEY_MAX),
});

/** Square's loyalty field names, as the inputs call them. */
const FIELDS: Record<string, string> = {
  account_id: 'input.accountId',
  location_id: 'input.locationId',
  idempotency_key: 'input.idempotencyKey',
  'accumulate_points.order_id': 'input.orderId',
  'accumulate_points.points': 'input.points',
  'reward.loyalty_account_id': 'input.accountId',
  'reward.reward_tier_id': 'input.rewardTierId',
  'reward.order_id': 'input.orderId',
  reward_id: 'input.rewardTierId',
};

/** The account as Square holds it after a write, read anew (its balance moved). */
async function accountAfter(ctx: GatewayContext, accountId: string): Promise<Square.LoyaltyAccount | null> {
  ctx.loaders.loyaltyAccountByCustomer.clearAll();
  return ctx.loaders.loyaltyAccount.clear(accountId).load(accountId);
}

/** Square refuses a reward the balance cannot pay for with a bare BAD_REQUEST: the account says whether that was why. */
async function rewardFailure(ctx: GatewayContext, error: unknown, accountId: string, tierId: string): Promise<unknown> {
  if (!(error instanceof ValidationError)) return error;
  try {
    const [account, program] = await Promise.all([accountAfter(ctx, accountId), ctx.loaders.loyaltyProgram()]);
    const tier = program?.rewardTiers?.find((t) => t.id === tierId);
    if (account && tier && (account.balance ?? 0) < tier.points) return new InsufficientPointsError(account.balance ?? 0, tier.points);
  } catch {
    // The refusal stands as Square gave it.
  }
  return error;
}

const AccumulateLoyaltyPointsInput = builder.inputType('AccumulateLoyaltyPointsInput', {
  description: 'Points a buyer earned: for a paid Square order (Square computes them by the program’s rules), or a number computed elsewhere.',
  fields: (t) => ({
    accountId: t.id({ required: true, description: 'The loyalty account (its id or squareId).' }),
    locationId: t.id({ required: true, description: 'Where the purchase was made (id or squareId).' }),
    orderId: t.id({ required: false, description: 'A paid (COMPLETED) Square order; each order earns points once. Pass this or points.' }),
    points: t.int({ required: false, description: 'Points to add, at least 1, when the purchase is not a Square order. Pass this or orderId.' }),
    idempotencyKey: t.string({
      required: true,
      description: 'Your unique key for this accrual, 1 to 128 characters: sending it again returns the first result instead of adding points twice.',
    }),
  }),
});

const RedeemLoyaltyRewardInput = builder.inputType('RedeemLoyaltyRewardInput', {
  description: 'Points a buyer spends on a reward of the program: the reward is created (locking its points) and redeemed at once.',
  fields: (t) => ({
    accountId: t.id({ required: true, description: 'The loyalty account (its id or squareId).' }),
    rewardTierId: t.string({ required: true, description: 'The squareId of one of loyaltyProgram.rewardTiers.' }),
    locationId: t.id({ required: true, description: 'Where the reward is redeemed (id or squareId).' }),
    orderId: t.id({ required: false, description: 'An OPEN Square order the reward is for, if any.' }),
    idempotencyKey: t.string({
      required: true,
      description: `Your unique key for this redemption, 1 to ${REDEEM_KEY_MAX} characters: sending it again returns the same reward instead of spending points twice.`,
    }),
  }),
});

builder.mutationFields((t) => ({
  accumulateLoyaltyPoints: t.field({
    type: LoyaltyAccountRef,
    description: 'Adds the points a purchase earned to a loyalty account (Square AccumulateLoyaltyPoints) and returns the account with its new balance.',
    authScopes: { LOYALTY_WRITE: true },
    errors: mutationErrors('accumulateLoyaltyPoints', [ValidationError, NotFoundError, ConflictError], {
      name: 'loyaltyAccount',
      description: 'The account with its new balance.',
    }),
    args: { input: t.arg({ type: AccumulateLoyaltyPointsInput, required: true, description: 'The account, the purchase and your key.' }) },
    resolve: async (_root, { input }, ctx) => {
      const accountId = idInput(input.accountId, 'LoyaltyAccount', 'input.accountId');
      const locationId = idInput(input.locationId, 'Location', 'input.locationId');
      const orderId = input.orderId != null ? idInput(input.orderId, 'Order', 'input.orderId') : undefined;
      const valid = validateInput(accumulateSchema, present({ points: input.points, orderId, idempotencyKey: input.idempotencyKey }));
      await squareWrite(ctx, {
        send: () =>
          ctx.square.loyalty.accounts.accumulatePoints({
            accountId,
            locationId,
            idempotencyKey: valid.idempotencyKey,
            accumulatePoints: orderId ? { orderId } : { points: valid.points! },
          }),
        settle: 'resend',
        fields: FIELDS,
        stale: () => staleAfter.loyaltyAccount(accountId),
      });
      const account = await accountAfter(ctx, accountId);
      if (!account) throw new NotFoundError('No loyalty account with this id exists for this seller.', 'input.accountId');
      return account;
    },
  }),
  redeemLoyaltyReward: t.field({
    type: LoyaltyRewardRef,
    description:
      'Spends a buyer’s points on a reward tier: creates the reward (Square CreateLoyaltyReward, locking its points) and redeems it (RedeemLoyaltyReward). A balance short of the tier is an InsufficientPointsError.',
    authScopes: { LOYALTY_WRITE: true },
    errors: mutationErrors('redeemLoyaltyReward', [ValidationError, NotFoundError, ConflictError, InsufficientPointsError], {
      name: 'reward',
      description: 'The REDEEMED reward; its account shows the balance after it.',
    }),
    args: { input: t.arg({ type: RedeemLoyaltyRewardInput, required: true, description: 'The account, the tier, where, and your key.' }) },
    resolve: async (_root, { input }, ctx) => {
      const accountId = idInput(input.accountId, 'LoyaltyAccount', 'input.accountId');
      const locationId = idInput(input.locationId, 'Location', 'input.locationId');
      const orderId = input.orderId != null ? idInput(input.orderId, 'Order', 'input.orderId') : undefined;
      const valid = validateInput(redeemSchema, input);
      let reward: Square.LoyaltyReward;
      try {
        // Both steps are keyed: a retry with the same key finds the reward made and the redemption done, and repeats neither.
        const created = await squareWrite(ctx, {
          send: () =>
            ctx.square.loyalty.rewards.create({
              idempotencyKey: `${valid.idempotencyKey}:create`,
              reward: { loyaltyAccountId: accountId, rewardTierId: valid.rewardTierId, ...(orderId ? { orderId } : {}) },
            }),
          settle: 'resend',
          fields: FIELDS,
          stale: () => staleAfter.loyaltyAccount(accountId),
        });
        reward = created.reward!;
      } catch (error) {
        throw await rewardFailure(ctx, error, accountId, valid.rewardTierId);
      }
      await squareWrite(ctx, {
        send: () => ctx.square.loyalty.rewards.redeem({ rewardId: reward.id!, idempotencyKey: `${valid.idempotencyKey}:redeem`, locationId }),
        settle: 'resend',
        fields: FIELDS,
        stale: () => staleAfter.loyaltyAccount(accountId),
      });
      ctx.loaders.loyaltyAccount.clear(accountId);
      return (await ctx.loaders.currentReward(reward.id!)) ?? reward;
    },
  }),
}));
