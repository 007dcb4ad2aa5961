import type { Square } from 'square';
import type { GatewayContext } from '../../gateway/context.js';
import { builder } from '../builder.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { GiftCardRef } from '../refs.js';
import { idInput, mutationErrors, squareWrite } from './write.js';

const GiftCardCustomerInput = builder.inputType('GiftCardCustomerInput', {
  description: 'A gift card and a customer, to link as a gift card on file or to unlink.',
  fields: (t) => ({
    giftCardId: t.id({ required: true, description: 'The gift card (its id or squareId, gftc:…).' }),
    customerId: t.id({ required: true, description: 'The customer (id or squareId).' }),
  }),
});

const GIFT_CARD_LINK_ERRORS = [ValidationError, NotFoundError];

function ids(input: { giftCardId: string | number; customerId: string | number }) {
  return {
    giftCardId: idInput(input.giftCardId, 'GiftCard', 'input.giftCardId'),
    customerId: idInput(input.customerId, 'Customer', 'input.customerId'),
  };
}

/** The card's customers changed: later reads in this request see the card Square returned, and the customer's fresh list. */
function linksChanged(ctx: GatewayContext, customerId: string, giftCard: Square.GiftCard): Square.GiftCard {
  ctx.loaders.giftCard.clear(giftCard.id!).prime(giftCard.id!, giftCard);
  ctx.loaders.giftCardsByCustomer.clear(customerId);
  return giftCard;
}

builder.mutationFields((t) => ({
  linkGiftCardToCustomer: t.field({
    type: GiftCardRef,
    description:
      'Links a gift card to a customer as a gift card on file (Square LinkCustomerToGiftCard), so that it shows under Customer.giftCards and can pay for them. Linking again changes nothing.',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('linkGiftCardToCustomer', GIFT_CARD_LINK_ERRORS, {
      name: 'giftCard',
      description: 'The gift card, with the customer among its customers.',
    }),
    args: { input: t.arg({ type: GiftCardCustomerInput, required: true, description: 'The gift card and the customer.' }) },
    resolve: async (_root, { input }, ctx) => {
      const { giftCardId, customerId } = ids(input);
      const { giftCard } = await squareWrite(ctx, () => ctx.square.giftCards.linkCustomer({ giftCardId, customerId }));
      return linksChanged(ctx, customerId, giftCard!);
    },
  }),
  unlinkGiftCardFromCustomer: t.field({
    type: GiftCardRef,
    description:
      'Removes a gift card from a customer’s cards on file (Square UnlinkCustomerFromGiftCard). The card and its balance stay; a customer who is not linked is a ValidationError.',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('unlinkGiftCardFromCustomer', GIFT_CARD_LINK_ERRORS, {
      name: 'giftCard',
      description: 'The gift card, without the customer among its customers.',
    }),
    args: { input: t.arg({ type: GiftCardCustomerInput, required: true, description: 'The gift card and the customer.' }) },
    resolve: async (_root, { input }, ctx) => {
      const { giftCardId, customerId } = ids(input);
      const { giftCard } = await squareWrite(ctx, () => ctx.square.giftCards.unlinkCustomer({ giftCardId, customerId }));
      return linksChanged(ctx, customerId, giftCard!);
    },
  }),
}));
