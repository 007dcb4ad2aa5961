import type { SquareApi } from '../api.js';
import { events } from './events.js';
import { customerCustomAttributesLoaders } from './loaders.js';
import './custom-attribute.js';
import './definition.js';
import './mutations.js';

declare module '../../square/loaders.js' {
  interface Loaders extends ReturnType<typeof customerCustomAttributesLoaders> {}
}

/** Square's Customer Custom Attributes API in the graph. */
export const customerCustomAttributes: SquareApi = { loaders: customerCustomAttributesLoaders, events };
