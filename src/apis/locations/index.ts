import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { locationsLoaders } from './loaders.js';
import './location.js';
import './mutations.js';

const scopes = ['MERCHANT_PROFILE_READ', 'MERCHANT_PROFILE_WRITE'] as const;

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof locationsLoaders> {}
}
declare module '../api.js' {
  interface Scopes extends Record<(typeof scopes)[number], true> {}
}

/** Square's Locations API in the graph. */
export const locations: SquareApi = { reads: 'locations', writes: 'locations', scopes, loaders: locationsLoaders, events };
