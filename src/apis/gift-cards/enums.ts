import { Square } from 'square';
import { squareEnum } from '../../schema/enums.js';

export const GiftCardType = squareEnum('GiftCardType', Square.GiftCardType, 'A physical plastic gift card or a digital one.');
export const GiftCardState = squareEnum('GiftCardState', Square.GiftCardStatus, 'Where a gift card is in its life: pending activation, active, deactivated or blocked.');
export const GiftCardActivityType = squareEnum('GiftCardActivityType', Square.GiftCardActivityType, 'What a gift card activity did to its card.');
export const GiftCardIncrementReason = squareEnum(
  'GiftCardIncrementReason',
  Square.GiftCardActivityAdjustIncrementReason,
  'Why money is added to a gift card outside an activation, load or refund.',
);
export const GiftCardDecrementReason = squareEnum(
  'GiftCardDecrementReason',
  Square.GiftCardActivityAdjustDecrementReason,
  'Why money is taken off a gift card outside a redemption.',
);
