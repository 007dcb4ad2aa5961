import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { paymentsLoaders } from './loaders.js';
import './payment.js';
import './mutations.js';
import './subscriptions.js';

const scopes = ['PAYMENTS_READ', 'PAYMENTS_WRITE'] as const;

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof paymentsLoaders> {}
}
declare module '../api.js' {
  interface Scopes extends Record<(typeof scopes)[number], true> {}
}

/** Square's Payments API in the graph. */
export const payments: SquareApi = { reads: 'payments', writes: 'payments', scopes, loaders: paymentsLoaders, events };
