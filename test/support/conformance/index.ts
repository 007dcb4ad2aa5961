import { cardRoutes } from './cards.js';
import { catalogRoutes, inventoryRoutes } from './catalog.js';
import { customerFamilyRoutes } from './customer-family.js';
import { customerRoutes } from './customers.js';
import { giftCardRoutes } from './gift-cards.js';
import { locationRoutes } from './locations.js';
import { loyaltyRoutes } from './loyalty.js';
import { merchantRoutes } from './merchants.js';
import { oauthRoutes } from './oauth.js';
import { orderRoutes } from './orders.js';
import { paymentRoutes } from './payments.js';
import type { ResponseRoute } from './types.js';

/** Every emulated Square endpoint and the SDK schema its success response must satisfy. */
export const RESPONSE_ROUTES: ResponseRoute[] = [
  ...locationRoutes,
  ...customerFamilyRoutes,
  ...customerRoutes,
  ...merchantRoutes,
  ...cardRoutes,
  ...giftCardRoutes,
  ...paymentRoutes,
  ...orderRoutes,
  ...loyaltyRoutes,
  ...catalogRoutes,
  ...inventoryRoutes,
  ...oauthRoutes,
];
