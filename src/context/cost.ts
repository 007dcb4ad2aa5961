import type { BucketStatus } from '../square/budget.js';
import type { ApiKey } from './authentication.js';

/** What one request cost, gathered while it runs, for `extensions.cost`. */
export interface RequestCost {
  /** The operation's cost as the query limits measure it; 0 until measured (or when it could not be). */
  requested: number;
  /**
   * Set when that measure found the operation within the gateway's query limits (src/schema/query-cost.ts):
   * the complexity plugin, which would measure it again the same way as it starts, then need not.
   */
  withinLimits?: boolean;
  /** Answers Square gave for this request; calls refused by a budget, and cache hits, never reach Square. */
  squareCalls: number;
  /** Who is calling, once the request's context knows: its seller's budget (none when a partner's request names no seller) and its API key. */
  caller?: { seller?: string | undefined; key?: ApiKey | undefined };
  /** Of `requested`, what the key was charged and not yet given back. */
  charged?: number;
  /** The buckets as this request last saw them, so that its response need not ask the store again. */
  sellerBudget?: BucketStatus;
  keyBudget?: BucketStatus;
}

/**
 * A request's context from its first hook on: yoga builds the GraphQL context on the server
 * context of the request (the very object), so hooks that run before the context factory, or
 * for a request that never gets that far (refused at validation, unauthenticated), find the
 * cost where the resolvers' Square calls add to it.
 */
export interface CarriesCost {
  cost?: RequestCost | undefined;
}

/** The request's cost record, made on first use (by its context, or by the cost plugin). */
export function costOf(context: CarriesCost): RequestCost {
  return (context.cost ??= { requested: 0, squareCalls: 0 });
}
