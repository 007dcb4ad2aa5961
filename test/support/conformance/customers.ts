import type { ResponseRoute } from './types.js';

export const customerRoutes: ResponseRoute[] = [];
