import type { ResponseRoute } from './types.js';

export const merchantRoutes: ResponseRoute[] = [
  ['GET', '/v2/merchants', 'ListMerchantsResponse'],
  ['GET', '/v2/merchants/:merchant_id', 'GetMerchantResponse'],
];
