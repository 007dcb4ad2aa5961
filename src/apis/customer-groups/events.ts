/** The cached reads of customer groups; groups have no webhooks, so only the TTL renews them. */
export const cached = {
  /** The seller's ListCustomerGroups (all pages). */
  customerGroups: 'customer-groups',
  customerGroup: (id: string) => `customer-group:${id}`,
} as const;
