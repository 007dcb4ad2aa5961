import type { ResponseRoute } from './types.js';

export const paymentRoutes: ResponseRoute[] = [];
