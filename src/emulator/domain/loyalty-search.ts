import type { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { paginate } from '../plumbing/pagination.js';

/** Square's page when a search names no `limit`: 30 accounts, events or rewards. */
const DEFAULT_PAGE = 30;

/**
 * SearchLoyaltyAccounts: by phone number mappings or by customer ids (not both), every account without
 * a query; oldest first.
 */
export function searchAccounts(ctx: EmulatorContext, merchantId: string, body: serialization.loyalty.accounts.SearchLoyaltyAccountsRequest.Raw) {
  const phones = body.query?.mappings?.map((m) => m.phone_number);
  const customerIds = body.query?.customer_ids;
  if (phones?.length && customerIds?.length)
    throw errors.invalid('CONFLICTING_PARAMETERS', 'Search by mappings or by customer_ids, not both.', 'query');
  const matches = ctx.stores.loyaltyAccounts.all(merchantId).filter(({ doc }) => {
    if (phones?.length) return phones.includes(doc.mapping?.phone_number ?? '');
    if (customerIds?.length) return customerIds.includes(doc.customer_id ?? '');
    return true;
  });
  const page = paginate({
    items: matches,
    key: ({ seq, doc }) => [doc.created_at ?? '', seq],
    limit: body.limit ?? DEFAULT_PAGE,
    cursor: body.cursor,
    query: ['SearchLoyaltyAccounts', phones, customerIds],
  });
  return { loyalty_accounts: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/**
 * SearchLoyaltyEvents: the ledger, newest first, filtered by account, type, location, order and a
 * `created_at` window (start included, end excluded); every filter given must match.
 */
export function searchEvents(ctx: EmulatorContext, merchantId: string, body: serialization.SearchLoyaltyEventsRequest.Raw) {
  const filter = body.query?.filter;
  const createdAt = filter?.date_time_filter?.created_at;
  const matches = ctx.stores.loyaltyEvents.all(merchantId).filter(({ doc }) => {
    if (filter?.loyalty_account_filter && doc.loyalty_account_id !== filter.loyalty_account_filter.loyalty_account_id) return false;
    if (filter?.type_filter && !filter.type_filter.types.includes(doc.type)) return false;
    if (filter?.location_filter && !filter.location_filter.location_ids.includes(doc.location_id ?? '')) return false;
    if (filter?.order_filter) {
      const orderId = doc.accumulate_points?.order_id ?? doc.redeem_reward?.order_id;
      if (orderId !== filter.order_filter.order_id) return false;
    }
    const at = Date.parse(doc.created_at);
    if (createdAt?.start_at && at < Date.parse(createdAt.start_at)) return false;
    if (createdAt?.end_at && at >= Date.parse(createdAt.end_at)) return false;
    return true;
  });
  const page = paginate({
    items: matches,
    key: ({ seq, doc }) => [doc.created_at, seq],
    order: 'DESC',
    limit: body.limit ?? DEFAULT_PAGE,
    cursor: body.cursor,
    query: ['SearchLoyaltyEvents', filter],
  });
  return { events: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** SearchLoyaltyRewards: an account's rewards (of one status when given), last changed first; every reward without a query. */
export function searchRewards(ctx: EmulatorContext, merchantId: string, body: serialization.loyalty.rewards.SearchLoyaltyRewardsRequest.Raw) {
  const query = body.query;
  const matches = ctx.stores.loyaltyRewards
    .all(merchantId)
    .filter(({ doc }) => !query || (doc.loyalty_account_id === query.loyalty_account_id && (!query.status || doc.status === query.status)));
  const page = paginate({
    items: matches,
    key: ({ seq, doc }) => [doc.updated_at ?? '', seq],
    order: 'DESC',
    limit: body.limit ?? DEFAULT_PAGE,
    cursor: body.cursor,
    query: ['SearchLoyaltyRewards', query],
  });
  return { rewards: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
}
