import type { ReadKit } from '../../square/loaders.js';
import { cached } from './events.js';

export function merchantsLoaders({ square, sellerWide }: ReadKit) {
  return {
    /** The seller the token acts for (RetrieveMerchant `me`). */
    merchant: sellerWide(cached.merchant, async () => (await square.merchants.get({ merchantId: 'me' })).merchant ?? null),
  };
}
