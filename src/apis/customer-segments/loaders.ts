import type { ReadKit } from '../../square/loaders.js';
import { byIdFrom } from '../../square/paging.js';
import { cached } from './events.js';

/** Square's largest page of ListCustomerSegments. */
const PAGE = 50;

/** Segments, like groups, are a short seller-wide list: one List call kept across requests resolves every `segment_ids`. */
export function customerSegmentsLoaders({ square, sellerWide, everyPage, retrieveEach }: ReadKit) {
  const customerSegments = sellerWide(cached.customerSegments, () => everyPage((cursor) => square.customers.segments.list({ cursor, limit: PAGE })));
  const customerSegment = byIdFrom(
    customerSegments,
    retrieveEach(cached.customerSegment, async (segmentId) => (await square.customers.segments.get({ segmentId })).segment),
  );
  return { customerSegments, customerSegment };
}
