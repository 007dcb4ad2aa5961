/** The cached reads of customer segments: segments are made in the Seller Dashboard, with no webhooks, so only the TTL renews them. */
export const cached = {
  /** The seller's ListCustomerSegments (all pages). */
  customerSegments: 'customer-segments',
  customerSegment: (id: string) => `customer-segment:${id}`,
} as const;
