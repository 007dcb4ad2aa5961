import type { ResponseRoute } from './types.js';

export const giftCardRoutes: ResponseRoute[] = [];
