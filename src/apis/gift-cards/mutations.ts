import type { Square } from 'square';
import type { GatewayContext } from '../../context/gateway-context.js';
import { builder } from '../../schema/builder.js';
import { NotFoundError, ValidationError } from '../../schema/errors.js';
import { GiftCardRef } from './refs.js';
import { idInput, mutationErrors, requireCustomer, squareWrite } from '../../schema/write.js';
import { staleAfter } from './events.js';

const GiftCardCustomerInput = builder.inputType('GiftCardCustomerInput', {
  description: 'A gift card and a customer, to link as a gift card on file or to unlink.',
  fields: (t) => ({
    giftCardId: t.id({ required: true, description: 'The gift card (its id or squareId, gftc:…).' }),
    customerId: t.id({ required: true, description: 'The customer (id or squareId).' }),
  }),
});

const GIFT_CARD_LINK_ERRORS = [ValidationError, NotFoundError];

/** The ids as Square's, once the customer is known to exist. */
async function ids(ctx: GatewayContext, input: { giftCardId: string | number; customerId: string | number }) {
  const giftCardId = idInput(input.giftCardId, 'GiftCard', 'input.giftCardId');
  const customerId = idInput(input.customerId, 'Customer', 'input.customerId');
  await requireCustomer(ctx, customerId, 'input.customerId');
  return { giftCardId, customerId };
}

/** Square's gift card answers name the card as gift_card_id and the customer as customer_id. */
const LINK_FIELDS = { gift_card_id: 'input.giftCardId', id: 'input.giftCardId' };

/**
 * Settles a link or unlink with an unknown outcome: the card as Square has it now, when
 * its customers show the change (`linked` says which way).
 */
async function showsLink(ctx: GatewayContext, giftCardId: string, customerId: string, linked: boolean) {
  const giftCard = await ctx.loaders.currentGiftCard(giftCardId);
  return giftCard && (giftCard.customerIds ?? []).includes(customerId) === linked ? { giftCard } : undefined;
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
      'Links a gift card to a customer as a gift card on file (Square LinkCustomerToGiftCard), so that it shows under Customer.giftCards and can pay for the customer’s purchases. Linking again changes nothing.',
    authScopes: { GIFTCARDS_WRITE: true },
    errors: mutationErrors('linkGiftCardToCustomer', GIFT_CARD_LINK_ERRORS, {
      name: 'giftCard',
      description: 'The gift card, with the customer among its customers.',
    }),
    args: { input: t.arg({ type: GiftCardCustomerInput, required: true, description: 'The gift card and the customer.' }) },
    resolve: async (_root, { input }, ctx) => {
      const { giftCardId, customerId } = await ids(ctx, input);
      const { giftCard } = await squareWrite(ctx, {
        send: () => ctx.square.giftCards.linkCustomer({ giftCardId, customerId }),
        settle: () => showsLink(ctx, giftCardId, customerId, true),
        fields: LINK_FIELDS,
        stale: () => staleAfter.giftCard(giftCardId),
      });
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
      const { giftCardId, customerId } = await ids(ctx, input);
      const { giftCard } = await squareWrite(ctx, {
        send: () => ctx.square.giftCards.unlinkCustomer({ giftCardId, customerId }),
        // Sent again after it took effect, the unlink would be refused: the customer is no longer linked. A customer never
        // linked shows the same, and the card is as asked either way.
        settle: () => showsLink(ctx, giftCardId, customerId, false),
        fields: LINK_FIELDS,
        stale: () => staleAfter.giftCard(giftCardId),
      });
      return linksChanged(ctx, customerId, giftCard!);
    },
  }),
}));
