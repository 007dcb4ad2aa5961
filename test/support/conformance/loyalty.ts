import type { ResponseRoute } from './types.js';

export const loyaltyRoutes: ResponseRoute[] = [
  ['GET', '/v2/loyalty/programs', 'ListLoyaltyProgramsResponse'],
  ['GET', '/v2/loyalty/programs/:program_id', 'GetLoyaltyProgramResponse'],
  ['POST', '/v2/loyalty/programs/:program_id/calculate', 'CalculateLoyaltyPointsResponse'],
  ['POST', '/v2/loyalty/programs/:program_id/promotions', 'CreateLoyaltyPromotionResponse'],
  ['GET', '/v2/loyalty/programs/:program_id/promotions', 'ListLoyaltyPromotionsResponse'],
  ['GET', '/v2/loyalty/programs/:program_id/promotions/:promotion_id', 'GetLoyaltyPromotionResponse'],
  ['POST', '/v2/loyalty/programs/:program_id/promotions/:promotion_id/cancel', 'CancelLoyaltyPromotionResponse'],
  ['POST', '/v2/loyalty/accounts', 'CreateLoyaltyAccountResponse'],
  ['POST', '/v2/loyalty/accounts/search', 'SearchLoyaltyAccountsResponse'],
  ['GET', '/v2/loyalty/accounts/:account_id', 'GetLoyaltyAccountResponse'],
  ['POST', '/v2/loyalty/accounts/:account_id/accumulate', 'AccumulateLoyaltyPointsResponse'],
  ['POST', '/v2/loyalty/accounts/:account_id/adjust', 'AdjustLoyaltyPointsResponse'],
  ['POST', '/v2/loyalty/events/search', 'SearchLoyaltyEventsResponse'],
  ['POST', '/v2/loyalty/rewards', 'CreateLoyaltyRewardResponse'],
  ['POST', '/v2/loyalty/rewards/search', 'SearchLoyaltyRewardsResponse'],
  ['GET', '/v2/loyalty/rewards/:reward_id', 'GetLoyaltyRewardResponse'],
  ['DELETE', '/v2/loyalty/rewards/:reward_id', 'DeleteLoyaltyRewardResponse'],
  ['POST', '/v2/loyalty/rewards/:reward_id/redeem', 'RedeemLoyaltyRewardResponse'],
];
