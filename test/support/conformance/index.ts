import { cardRoutes } from './cards.js';
import { customerRoutes } from './customers.js';
import { giftCardRoutes } from './gift-cards.js';
import { locationRoutes } from './locations.js';
import { orderRoutes } from './orders.js';
import { paymentRoutes } from './payments.js';
import type { ResponseRoute } from './types.js';

/** Every emulated Square endpoint and the SDK schema its success response must satisfy. */
export const RESPONSE_ROUTES: ResponseRoute[] = [
  ...locationRoutes,
  ...customerRoutes,
  ...cardRoutes,
  ...giftCardRoutes,
  ...paymentRoutes,
  ...orderRoutes,
];
