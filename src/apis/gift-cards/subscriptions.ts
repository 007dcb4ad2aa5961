import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { squareIdFrom } from '../../schema/ids.js';
import { deliver, liveObjects } from '../../schema/subscriptions.js';
import { GiftCardRef } from './refs.js';

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
        types: new Set([
          'gift_card.created',
          'gift_card.updated',
          'gift_card.customer_linked',
          'gift_card.customer_unlinked',
          'gift_card.activity.created',
        ]),
        wanted: (event) => event.objectId === giftCardId,
        load: (c, event) => c.loaders.giftCard.load(event.objectId),
      });
    },
    resolve: (delivered, _args, ctx) => deliver(delivered, ctx),
  }),
}));
