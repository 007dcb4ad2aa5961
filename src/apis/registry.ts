import type { Scope, SquareApi, EventEffects, LiveObject } from './api.js';
import { loadersOf } from '../square/loaders.js';
import { customers } from './customers/index.js';
import { customerGroups } from './customer-groups/index.js';
import { customerSegments } from './customer-segments/index.js';
import { customerCustomAttributes } from './customer-custom-attributes/index.js';
import { cards } from './cards/index.js';
import { payments } from './payments/index.js';
import { refunds } from './refunds/index.js';
import { orders } from './orders/index.js';
import { giftCards } from './gift-cards/index.js';
import { merchants } from './merchants/index.js';
import { locations } from './locations/index.js';
import { loyalty } from './loyalty/index.js';
import { catalog } from './catalog/index.js';
import { inventory } from './inventory/index.js';
import { oauth } from './oauth/index.js';

/** Every Square API in the graph, in the order the root types' descriptions name them: adding one is its folder and one line here. */
export const SQUARE_APIS: readonly SquareApi[] = [
  customers,
  customerGroups,
  customerSegments,
  customerCustomAttributes,
  cards,
  giftCards,
  payments,
  orders,
  refunds,
  locations,
  merchants,
  catalog,
  inventory,
  loyalty,
  oauth,
];

/** Every scope an API key may hold, in the registry's order. */
export const SCOPES: readonly Scope[] = [...new Set(SQUARE_APIS.flatMap((api) => api.scopes ?? []))];

/** The loaders of one request: every API's. */
export const createLoaders = loadersOf(SQUARE_APIS.flatMap((api) => api.loaders ?? []));

const EVENTS = new Map(SQUARE_APIS.flatMap((api) => Object.entries(api.events ?? {})));
if (EVENTS.size !== SQUARE_APIS.reduce((n, api) => n + Object.keys(api.events ?? {}).length, 0)) {
  throw new Error('Two Square APIs claim one webhook event type: each event belongs to one API’s events.ts.');
}

/** Event types the gateway hears of; any other event changes nothing it holds and reaches no subscriber. */
export const HEARD_EVENTS: ReadonlySet<string> = new Set(EVENTS.keys());

/** What one Square webhook event makes stale and tells subscribers, as the API it belongs to reads it. */
export function eventEffects(type: string, body: unknown): EventEffects {
  return EVENTS.get(type)?.(body ?? {}) ?? { stale: [] };
}

/** The cached reads a Square webhook event makes stale. */
export const staleAfterEvent = (type: string, body: unknown): string[] => eventEffects(type, body).stale;

/** What subscribers hear of a Square webhook event; undefined for events no subscription listens to. */
export const liveObjectOf = (type: string, body: unknown): LiveObject | undefined => eventEffects(type, body).live;
