import DataLoader from 'dataloader';
import type { Square } from 'square';
import { isNotFound, squareFailure } from '../../square/errors.js';
import type { ReadKit } from '../../square/loaders.js';
import { chunk, collectPages } from '../../square/paging.js';
import { cached } from './events.js';

/** Square's documented sizes for SearchLoyaltyAccounts. */
const SEARCH_ACCOUNTS = { customerIds: 30, page: 200 } as const;

export function loyaltyLoaders({ square, cache, cachedEach, retrieveEach, callSquare }: ReadKit) {
  const loyaltyAccount = retrieveEach(cached.loyaltyAccount, async (accountId) => (await square.loyalty.accounts.get({ accountId })).loyaltyAccount);

  /** The seller's program (Square's keyword `main`); a seller without one has none. */
  const loyaltyProgram = async (): Promise<Square.LoyaltyProgram | null> => {
    const [program] = await cachedEach<Square.LoyaltyProgram>(['main'], () => ({ object: cached.loyaltyProgram }), async () => {
      try {
        return (await square.loyalty.programs.get({ programId: 'main' })).program ?? null;
      } catch (error) {
        return isNotFound(error) ? null : squareFailure(error);
      }
    });
    if (program instanceof Error) throw program;
    return program ?? null;
  };

  /**
   * Each customer's loyalty account: SearchLoyaltyAccounts takes 30 customer ids a call.
   * Kept as `{ account }`, so that a customer without one is remembered too (most are).
   */
  const loyaltyAccountByCustomer = new DataLoader<string, Square.LoyaltyAccount | null>(async (customerIds) => {
    const found = await cache.many<{ account?: Square.LoyaltyAccount }>(
      customerIds.map((id) => ({ object: cached.loyaltyAccountsOfCustomers, field: id })),
      async (missing) => {
        const ids = missing.map((i) => customerIds[i]!);
        const byCustomer = new Map<string, Square.LoyaltyAccount>();
        const failed = new Map<string, Error>();
        await Promise.all(
          chunk(ids, SEARCH_ACCOUNTS.customerIds).map(async (batch) => {
            try {
              const accounts = await collectPages(async (cursor) => {
                const page = await square.loyalty.accounts.search({ query: { customerIds: batch }, limit: SEARCH_ACCOUNTS.page, cursor });
                return { items: page.loyaltyAccounts ?? [], cursor: page.cursor };
              });
              for (const account of accounts) if (account.customerId) byCustomer.set(account.customerId, account);
            } catch (error) {
              for (const id of batch) failed.set(id, squareFailure(error));
            }
          }),
        );
        return ids.map((id) => failed.get(id) ?? { account: byCustomer.get(id) });
      },
    );
    return found.map((entry) => {
      if (entry instanceof Error) return entry;
      if (entry?.account?.id) loyaltyAccount.prime(entry.account.id, entry.account);
      return entry?.account ?? null;
    });
  });

  return {
    loyaltyAccount,
    loyaltyProgram,
    loyaltyAccountByCustomer,
    /** An account's latest ledger events (SearchLoyaltyEvents), never cached. */
    loyaltyEvents: async (loyaltyAccountId: string, limit: number) =>
      (await callSquare(() => square.loyalty.searchEvents({ query: { filter: { loyaltyAccountFilter: { loyaltyAccountId } } }, limit }))).events ?? [],
    /** A reward as Square holds it now (RetrieveLoyaltyReward), after a write changed it. */
    currentReward: async (rewardId: string) => (await square.loyalty.rewards.get({ rewardId })).reward,
  };
}
