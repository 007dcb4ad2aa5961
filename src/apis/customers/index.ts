import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { customersLoaders } from './loaders.js';
import './customer.js';
import './mutations.js';
import './subscriptions.js';

const scopes = ['CUSTOMERS_READ', 'CUSTOMERS_WRITE'] as const;

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof customersLoaders> {}
}
declare module '../api.js' {
  interface Scopes extends Record<(typeof scopes)[number], true> {}
}

/** Square's Customers API in the graph. */
export const customers: SquareApi = { reads: 'customers (with their groups, segments and custom attributes)', writes: 'customers (their groups and custom attributes)', scopes, loaders: customersLoaders, events };
