import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { cardsLoaders } from './loaders.js';
import './card.js';
import './mutations.js';

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof cardsLoaders> {}
}

/** Square's Cards API in the graph. */
export const cards: SquareApi = { reads: 'cards on file', writes: 'cards on file', loaders: cardsLoaders, events };
