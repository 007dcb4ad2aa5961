import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { squareIdFrom } from '../../schema/ids.js';
import { deliver, liveObjects } from '../../schema/subscriptions.js';
import { GiftCardRef } from './refs.js';

/** The Square events that change a gift card, its activities' included: its live update's, and its outbound webhook topic's (src/outbound/topics.ts). */
export const GIFT_CARD_EVENTS: ReadonlySet<string> = new Set([
  'gift_card.created',
  'gift_card.updated',
  'gift_card.customer_linked',
  'gift_card.customer_unlinked',
  'gift_card.activity.created',
]);

builder.subscriptionFields((t) => ({
  giftCardUpdated: t.field({
    authScopes: { GIFTCARDS_READ: true },
    type: GiftCardRef,
    nullable: false,
    description:
      'A gift card as it changes: created, updated, linked to or unlinked from a customer, or any new activity on it (gift_card.activity.created).',
    args: {
      giftCardId: t.arg.id({ required: true, description: 'The gift card to watch (its id or squareId).' }),
    },
    subscribe: (_root, args, ctx) => {
      const giftCardId = squareIdFrom(String(args.giftCardId), 'GiftCard', 'giftCardId');
      return liveObjects<Square.GiftCard>(ctx, {
        types: GIFT_CARD_EVENTS,
        wanted: (event) => event.objectId === giftCardId,
        load: (c, event) => c.loaders.giftCard.load(event.objectId),
      });
    },
    resolve: (delivered, _args, ctx) => deliver(delivered, ctx),
  }),
}));
