import type { SquareApi } from '../api.js';
import { merchantsLoaders } from './loaders.js';
import './merchant.js';

const scopes = ['MERCHANT_PROFILE_READ'] as const;

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof merchantsLoaders> {}
}
declare module '../api.js' {
  interface Scopes extends Record<(typeof scopes)[number], true> {}
}

/** Square's Merchants API in the graph. */
export const merchants: SquareApi = { reads: 'the merchant', scopes, loaders: merchantsLoaders };
