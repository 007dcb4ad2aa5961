import { serialization } from 'square';
import { idIn, idOr, on, some, type EventEffects } from '../api.js';

export const cached = {
  giftCard: (id: string) => `gift-card:${id}`,
  /** Every customer's ListGiftCards result. */
  giftCardsOfCustomers: 'gift-cards-of',
} as const;

export const staleAfter = {
  giftCard: (id: string | undefined) => some(idOr(cached.giftCard, id), cached.giftCardsOfCustomers),
};

const giftCardChanged = (event: { data?: { id?: string } | undefined }): EventEffects => {
  const id = idIn(event.data?.id);
  return { stale: staleAfter.giftCard(id), live: id ? { objectId: id } : undefined };
};

/** Square has no call that reads one activity: the activity's gift card is what changed, and what subscribers load. */
const activityOn =
  (live: 'live' | 'stale only') =>
  (event: { data?: { object?: { giftCardActivity?: { giftCardId?: string | null } } } | undefined }): EventEffects => {
    const id = idIn(event.data?.object?.giftCardActivity?.giftCardId);
    return { stale: staleAfter.giftCard(id), live: live === 'live' && id ? { objectId: id } : undefined };
  };

export const events = {
  'gift_card.created': on(serialization.GiftCardCreatedEvent, giftCardChanged),
  'gift_card.updated': on(serialization.GiftCardUpdatedEvent, giftCardChanged),
  'gift_card.customer_linked': on(serialization.GiftCardCustomerLinkedEvent, giftCardChanged),
  'gift_card.customer_unlinked': on(serialization.GiftCardCustomerUnlinkedEvent, giftCardChanged),
  'gift_card.activity.created': on(serialization.GiftCardActivityCreatedEvent, activityOn('live')),
  'gift_card.activity.updated': on(serialization.GiftCardActivityUpdatedEvent, activityOn('stale only')),
};
