import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { inventoryLoaders } from './loaders.js';
import './inventory-count.js';
import './mutations.js';

const scopes = ['INVENTORY_READ', 'INVENTORY_WRITE'] as const;

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof inventoryLoaders> {}
}
declare module '../api.js' {
  interface Scopes extends Record<(typeof scopes)[number], true> {}
}

/** Square's Inventory API in the graph. */
export const inventory: SquareApi = { reads: 'inventory', writes: 'inventory', scopes, loaders: inventoryLoaders, events };
