/** RetrieveMerchant `me`; Square sends no webhook when a seller's profile changes, so only the TTL renews it. */
export const cached = {
  merchant: 'merchant',
} as const;
