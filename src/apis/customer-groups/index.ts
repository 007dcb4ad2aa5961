import type { SquareApi } from '../api.js';
import { customerGroupsLoaders } from './loaders.js';
import './customer-group.js';
import './mutations.js';

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof customerGroupsLoaders> {}
}

/** Square's Customer Groups API in the graph. */
export const customerGroups: SquareApi = { loaders: customerGroupsLoaders };
