import type { ReadKit } from '../../square/loaders.js';
import { cached } from './events.js';

export function refundsLoaders({ square, retrieveEach }: ReadKit) {
  return {
    refund: retrieveEach(cached.refund, async (refundId) => (await square.refunds.get({ refundId })).refund),
  };
}
