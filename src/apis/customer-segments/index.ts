import type { SquareApi } from '../api.js';
import { customerSegmentsLoaders } from './loaders.js';
import './customer-segment.js';

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof customerSegmentsLoaders> {}
}

/** Square's Customer Segments API in the graph. */
export const customerSegments: SquareApi = { loaders: customerSegmentsLoaders };
