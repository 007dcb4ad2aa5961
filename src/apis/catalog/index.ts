import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { catalogLoaders } from './loaders.js';
import './item.js';
import './item-variation.js';
import './category.js';
import './image.js';
import './modifier-list.js';
import './modifier.js';
import './mutations.js';

const scopes = ['ITEMS_READ', 'ITEMS_WRITE'] as const;

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof catalogLoaders> {}
}
declare module '../api.js' {
  interface Scopes extends Record<(typeof scopes)[number], true> {}
}

/** Square's Catalog API in the graph. */
export const catalog: SquareApi = { reads: 'the catalog', writes: 'the catalog', scopes, loaders: catalogLoaders, events };
