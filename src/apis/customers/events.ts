import { serialization } from 'square';
import { idIn, idOr, on, some, type EventEffects } from '../api.js';
import { cached as orders } from '../orders/events.js';

export const cached = {
  customer: (id: string) => `customer:${id}`,
  /** Every page of ListCustomers and SearchCustomers. */
  customerPages: 'customers',
} as const;

export const staleAfter = {
  customer: (id: string | undefined, mergedFrom: readonly string[] = []) =>
    some(
      idOr(cached.customer, id),
      cached.customerPages,
      ...mergedFrom.map(cached.customer),
      // A merge moves no order, but which profile's orders a customer shows is read again.
      mergedFrom.length > 0 && orders.ordersOfCustomers,
    ),
};

interface CustomerEvent {
  data?: { id?: string; object?: { customer?: unknown; eventContext?: { merge?: { fromCustomerIds?: string[] | null } | undefined } | undefined } } | undefined;
}

/** A merge's old profile ids: Square sends the merged profile's customer.created (and the old ones' customer.deleted) with them. */
const mergedFrom = (event: CustomerEvent) => {
  const from: unknown = event.data?.object?.eventContext?.merge?.fromCustomerIds;
  return Array.isArray(from) ? from.map(idIn).filter((id): id is string => id !== undefined) : undefined;
};

const customerChanged =
  (live: 'live' | 'stale only') =>
  (event: CustomerEvent): EventEffects => {
    const id = idIn(event.data?.id);
    const merged = mergedFrom(event);
    return {
      stale: staleAfter.customer(id, merged),
      live: live === 'live' && id ? { objectId: id, ...(merged ? { mergedFrom: merged } : {}) } : undefined,
    };
  };

export const events = {
  'customer.created': on(serialization.CustomerCreatedEvent, customerChanged('live')),
  'customer.updated': on(serialization.CustomerUpdatedEvent, customerChanged('live')),
  'customer.deleted': on(serialization.CustomerDeletedEvent, customerChanged('stale only')),
};
