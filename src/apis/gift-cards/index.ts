import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { giftCardsLoaders } from './loaders.js';
import './gift-card.js';
import './mutations.js';
import './lifecycle.js';
import './subscriptions.js';

const scopes = ['GIFTCARDS_READ', 'GIFTCARDS_WRITE'] as const;

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof giftCardsLoaders> {}
}
declare module '../api.js' {
  interface Scopes extends Record<(typeof scopes)[number], true> {}
}

/** Square's Gift Cards (with Gift Card Activities) API in the graph. */
export const giftCards: SquareApi = { reads: 'gift cards', writes: 'gift cards', scopes, loaders: giftCardsLoaders, events };
