import type { ReadKit } from '../../square/loaders.js';
import { byIdFrom } from '../../square/paging.js';
import { cached } from './events.js';

/** Square's largest page of ListCustomerGroups. */
const PAGE = 50;

/**
 * Groups are a seller-wide list a seller keeps short, so a page of customers resolves
 * every `group_ids` from one List call kept across requests, not a Retrieve per id; an
 * id the kept list does not know yet (made since it was read) costs its own Retrieve.
 */
export function customerGroupsLoaders({ square, sellerWide, everyPage, retrieveEach }: ReadKit) {
  const customerGroups = sellerWide(cached.customerGroups, () => everyPage((cursor) => square.customers.groups.list({ cursor, limit: PAGE })));
  const customerGroup = byIdFrom(
    customerGroups,
    retrieveEach(cached.customerGroup, async (groupId) => (await square.customers.groups.get({ groupId })).group),
  );
  return { customerGroups, customerGroup };
}
