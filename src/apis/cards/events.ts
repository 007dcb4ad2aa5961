import { serialization } from 'square';
import { idIn, idOr, on, some, type EventEffects } from '../api.js';

export const cached = {
  card: (id: string) => `card:${id}`,
  /** Every customer's ListCards result: a card event may not name the customer whose list it changes. */
  cardsOfCustomers: 'cards-of',
} as const;

export const staleAfter = {
  card: (id: string | undefined) => some(idOr(cached.card, id), cached.cardsOfCustomers),
};

const cardChanged = (event: { data?: { id?: string; object?: { card?: { id?: string | null } } } | undefined }): EventEffects => ({
  stale: staleAfter.card(idIn(event.data?.object?.card?.id) ?? idIn(event.data?.id)),
});

export const events = {
  'card.created': on(serialization.CardCreatedEvent, cardChanged),
  'card.updated': on(serialization.CardUpdatedEvent, cardChanged),
  'card.disabled': on(serialization.CardDisabledEvent, cardChanged),
  'card.forgotten': on(serialization.CardForgottenEvent, cardChanged),
  'card.automatically_updated': on(serialization.CardAutomaticallyUpdatedEvent, cardChanged),
};
