import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { loyaltyLoaders } from './loaders.js';
import './program.js';
import './account.js';
import './event.js';
import './reward.js';
import './mutations.js';

const scopes = ['LOYALTY_READ', 'LOYALTY_WRITE'] as const;

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof loyaltyLoaders> {}
}
declare module '../api.js' {
  interface Scopes extends Record<(typeof scopes)[number], true> {}
}

/** Square's Loyalty API in the graph. */
export const loyalty: SquareApi = { reads: 'loyalty', writes: 'loyalty', scopes, loaders: loyaltyLoaders, events };
