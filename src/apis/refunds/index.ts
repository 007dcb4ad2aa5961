import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { refundsLoaders } from './loaders.js';
import './refund.js';
import './mutations.js';

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof refundsLoaders> {}
}

/** Square's Refunds API in the graph. */
export const refunds: SquareApi = { reads: 'refunds', writes: 'refunds', loaders: refundsLoaders, events };
