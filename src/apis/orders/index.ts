import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { ordersLoaders } from './loaders.js';
import './order.js';
import './mutations.js';
import './subscriptions.js';

const scopes = ['ORDERS_READ', 'ORDERS_WRITE'] as const;

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof ordersLoaders> {}
}
declare module '../api.js' {
  interface Scopes extends Record<(typeof scopes)[number], true> {}
}

/** Square's Orders API in the graph. */
export const orders: SquareApi = { reads: 'orders', writes: 'orders', scopes, loaders: ordersLoaders, events };
