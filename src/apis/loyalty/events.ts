import { serialization } from 'square';
import { idIn, idOr, on, some, type EventEffects } from '../api.js';

export const cached = {
  /** The seller's one loyalty program. */
  loyaltyProgram: 'loyalty-program',
  loyaltyAccount: (id: string) => `loyalty-account:${id}`,
  /** Every customer's loyalty account (SearchLoyaltyAccounts by customer). */
  loyaltyAccountsOfCustomers: 'loyalty-accounts-of',
} as const;

export const staleAfter = {
  /** Points, rewards and enrollment move an account's balance; its ledger events are never cached. */
  loyaltyAccount: (id: string | undefined) => some(idOr(cached.loyaltyAccount, id), cached.loyaltyAccountsOfCustomers),
  loyaltyProgram: () => [cached.loyaltyProgram],
};

const accountChanged =
  (live: 'live' | 'stale only') =>
  (event: { data?: { id?: string } | undefined }): EventEffects => {
    const id = idIn(event.data?.id);
    return { stale: staleAfter.loyaltyAccount(id), live: live === 'live' && id ? { objectId: id } : undefined };
  };

export const events = {
  'loyalty.account.created': on(serialization.LoyaltyAccountCreatedEvent, accountChanged('live')),
  'loyalty.account.updated': on(serialization.LoyaltyAccountUpdatedEvent, accountChanged('live')),
  'loyalty.account.deleted': on(serialization.LoyaltyAccountDeletedEvent, accountChanged('stale only')),
  'loyalty.program.created': on(serialization.LoyaltyProgramCreatedEvent, () => ({ stale: staleAfter.loyaltyProgram() })),
  'loyalty.program.updated': on(serialization.LoyaltyProgramUpdatedEvent, () => ({ stale: staleAfter.loyaltyProgram() })),
};
