import DataLoader from 'dataloader';
import type { Square } from 'square';
import { squareFailure } from '../../square/errors.js';
import type { ReadKit } from '../../square/loaders.js';
import { collectPages } from '../../square/paging.js';
import { cached } from './events.js';

/** Square's largest page of ListGiftCards. */
export const GIFT_CARDS_PAGE = 200;

export function giftCardsLoaders({ square, reader, cachedEach, retrieveEach, callSquare, current }: ReadKit) {
  const giftCard = retrieveEach(cached.giftCard, async (id) => (await square.giftCards.get({ id })).giftCard);

  const giftCardsByCustomer = new DataLoader<string, Square.GiftCard[]>(async (customerIds) => {
    const found = await cachedEach<Square.GiftCard[]>(
      customerIds,
      (customerId) => ({ object: cached.giftCardsOfCustomers, field: customerId }),
      async (customerId) => {
        try {
          return await collectPages(async (cursor) => {
            const page = await reader.listGiftCards({ customerId, cursor, limit: GIFT_CARDS_PAGE });
            return { items: page.giftCards ?? [], cursor: page.cursor };
          });
        } catch (error) {
          return squareFailure(error);
        }
      },
    );
    for (const giftCards of found) if (Array.isArray(giftCards)) for (const g of giftCards) if (g.id) giftCard.prime(g.id, g);
    return found.map((giftCards) => giftCards ?? []);
  });

  // Not kept across requests: changes name gift cards by id, which a GAN's lookup does not know beforehand.
  const giftCardByGan = retrieveEach(undefined, async (gan) => {
    const found = (await square.giftCards.getFromGan({ gan })).giftCard;
    if (found?.id) giftCard.prime(found.id, found);
    return found;
  });

  return {
    giftCard,
    giftCardsByCustomer,
    giftCardByGan,
    /** One page of ListGiftCards, never cached (its filters are the caller's); its gift cards primed. */
    giftCardList: async (request: Square.ListGiftCardsRequest) => {
      const page = await callSquare(() => square.giftCards.list(request));
      for (const g of page.data) if (g.id) giftCard.prime(g.id, g);
      return { items: page.data, cursor: page.response.cursor };
    },
    /** One page of a gift card's activities (ListGiftCardActivities), never cached. */
    giftCardActivityList: async (request: Square.giftCards.ListActivitiesRequest) => {
      const page = await callSquare(() => square.giftCards.activities.list(request));
      return { items: page.data, cursor: page.response.cursor };
    },
    /** The gift card as Square holds it now, never from the cache: what a write checks its outcome against. */
    currentGiftCard: (id: string) => current(async () => (await square.giftCards.get({ id })).giftCard),
  };
}
