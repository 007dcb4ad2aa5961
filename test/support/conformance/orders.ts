import type { ResponseRoute } from './types.js';

export const orderRoutes: ResponseRoute[] = [];
