import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { GiftCardState } from './enums.js';
import { ErrorInterface, GatewayError } from '../../schema/errors.js';
import { formatMoney, Money } from '../../schema/money.js';

/**
 * The gift card holds less than a redemption or a decrement asked for; nothing was taken
 * off. The message leaves the balance out: reading it needs GIFTCARDS_READ (balanceMoney).
 */
export class InsufficientBalanceError extends GatewayError {
  constructor(
    requested: Square.Money,
    readonly giftCardId: string,
  ) {
    super(
      `The gift card’s balance is less than the ${formatMoney(BigInt(requested.amount ?? 0n), requested.currency ?? 'USD')} asked for.`,
      'INSUFFICIENT_FUNDS',
    );
  }
}

/** What each life cycle step does to a card, in words, and the states Square allows it from. */
export const GIFT_CARD_STEPS = {
  ACTIVATE: { verb: 'activated', from: ['PENDING'] },
  LOAD: { verb: 'loaded', from: ['ACTIVE'] },
  REDEEM: { verb: 'redeemed', from: ['ACTIVE'] },
  ADJUST_INCREMENT: { verb: 'credited', from: ['ACTIVE'] },
  ADJUST_DECREMENT: { verb: 'debited', from: ['ACTIVE'] },
  DEACTIVATE: { verb: 'deactivated', from: ['PENDING', 'ACTIVE', 'BLOCKED'] },
} as const satisfies Record<string, { verb: string; from: readonly Square.GiftCardStatus[] }>;
export type GiftCardStep = keyof typeof GIFT_CARD_STEPS;

/** What to do about a card in `state`, said after the refusal. */
const WAY_OUT: Record<Square.GiftCardStatus, string> = {
  PENDING: 'activate it first with activateGiftCard.',
  ACTIVE: 'it is already active; add money with loadGiftCard.',
  BLOCKED: 'Square blocks a card while a chargeback on it is open, and unblocks it when the chargeback is settled.',
  DEACTIVATED: 'deactivation is permanent.',
};

/** The gift card is not in a state that allows the step (e.g. loading a card that is still pending). */
export class GiftCardStateError extends GatewayError {
  constructor(
    readonly state: Square.GiftCardStatus,
    step: GiftCardStep,
  ) {
    const name = state.toLowerCase();
    const again = state === 'DEACTIVATED' && step === 'DEACTIVATE';
    super(
      again
        ? 'This gift card is already deactivated.'
        : `${/^[aeiou]/.test(name) ? 'An' : 'A'} ${name} gift card cannot be ${GIFT_CARD_STEPS[step].verb}: ${WAY_OUT[state]}`,
      'INVALID_GIFT_CARD_STATE',
    );
  }
}

builder.objectType(InsufficientBalanceError, {
  name: 'InsufficientBalanceError',
  description: 'The gift card’s balance is less than the amount to take off it; nothing was taken.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof InsufficientBalanceError,
  fields: (t) => ({
    balanceMoney: t.field({
      authScopes: { GIFTCARDS_READ: true },
      type: Money,
      nullable: true,
      description: 'What the card holds now, read after the refusal; null when it could not be read.',
      resolve: async (e, _args, ctx) => (await ctx.loaders.giftCard.load(e.giftCardId))?.balanceMoney ?? null,
    }),
  }),
});

builder.objectType(GiftCardStateError, {
  name: 'GiftCardStateError',
  description: 'The gift card’s state does not allow this step, e.g. loading a card that is still pending, or anything but deactivation on a blocked card.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof GiftCardStateError,
  fields: (t) => ({
    state: t.field({ type: GiftCardState, nullable: false, description: 'The state the gift card is in.', resolve: (e) => e.state }),
  }),
});
