import type { ResponseRoute } from './types.js';

/** The activities and lookup paths come first: `:id` would match them too. */
export const giftCardRoutes: ResponseRoute[] = [
  ['GET', '/v2/gift-cards/activities', 'ListGiftCardActivitiesResponse'],
  ['POST', '/v2/gift-cards/activities', 'CreateGiftCardActivityResponse'],
  ['POST', '/v2/gift-cards/from-gan', 'GetGiftCardFromGanResponse'],
  ['POST', '/v2/gift-cards/from-nonce', 'GetGiftCardFromNonceResponse'],
  ['GET', '/v2/gift-cards', 'ListGiftCardsResponse'],
  ['POST', '/v2/gift-cards', 'CreateGiftCardResponse'],
  ['GET', '/v2/gift-cards/:id', 'GetGiftCardResponse'],
  ['POST', '/v2/gift-cards/:gift_card_id/link-customer', 'LinkCustomerToGiftCardResponse'],
  ['POST', '/v2/gift-cards/:gift_card_id/unlink-customer', 'UnlinkCustomerFromGiftCardResponse'],
];
