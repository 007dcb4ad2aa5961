import type { ResponseRoute } from './types.js';

export const cardRoutes: ResponseRoute[] = [];
