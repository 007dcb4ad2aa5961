import DataLoader from 'dataloader';
import type { Square } from 'square';
import { squareFailure } from '../../square/errors.js';
import type { ReadKit } from '../../square/loaders.js';
import { collectPages } from '../../square/paging.js';
import { cached } from './events.js';

export function cardsLoaders({ square, reader, cachedEach, retrieveEach, current }: ReadKit) {
  const card = retrieveEach(cached.card, async (cardId) => (await square.cards.get({ cardId })).card);

  /** Every card of a customer, disabled ones included, so one ListCards serves both views. */
  const cardsByCustomer = new DataLoader<string, Square.Card[]>(async (customerIds) => {
    const found = await cachedEach<Square.Card[]>(
      customerIds,
      (customerId) => ({ object: cached.cardsOfCustomers, field: customerId }),
      async (customerId) => {
        try {
          return await collectPages(async (cursor) => {
            const page = await reader.listCards({ customerId, includeDisabled: true, cursor });
            return { items: page.cards ?? [], cursor: page.cursor };
          });
        } catch (error) {
          return squareFailure(error);
        }
      },
    );
    for (const cards of found) if (Array.isArray(cards)) for (const c of cards) if (c.id) card.prime(c.id, c);
    return found.map((cards) => cards ?? []);
  });

  return {
    card,
    cardsByCustomer,
    /** The card as Square holds it now, never from the cache: what a write checks its outcome against. */
    currentCard: (cardId: string) => current(async () => (await square.cards.get({ cardId })).card),
  };
}
