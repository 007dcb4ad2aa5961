import type { EventStore } from '../store/index.js';

/** What the webhook store knows of merged customer profiles (see src/store). */
export type LineageStore = Pick<EventStore, 'mergedFrom' | 'mergedInto'>;

export interface SellerLineage {
  /** For each customer: every profile merged, directly or through earlier merges, into it. */
  mergedFrom(customerIds: readonly string[]): Promise<Map<string, string[]>>;
  /** The profile a merged-away customer lives on as; undefined when it was never merged away. */
  mergedInto(customerId: string): Promise<string | undefined>;
}

/** Without a webhook store the gateway has seen no merges. */
const NO_LINEAGE: SellerLineage = {
  mergedFrom: async (customerIds) => new Map(customerIds.map((id) => [id, []])),
  mergedInto: async () => undefined,
};

/** Customer merges the gateway learned from webhooks, for the seller `merchantId` names. */
export function sellerLineage(store: LineageStore | undefined, merchantId: () => Promise<string>): SellerLineage {
  if (!store) return NO_LINEAGE;
  return {
    mergedFrom: async (customerIds) => store.mergedFrom(await merchantId(), customerIds),
    mergedInto: async (customerId) => store.mergedInto(await merchantId(), customerId),
  };
}
