import type { ComplexityErrorFn } from '@pothos/plugin-complexity';
import { GraphQLError, getNamedType, getNullableType, isListType, type GraphQLField } from 'graphql';
import type { GatewayContext } from '../gateway/context.js';
import { DEFAULT_PAGE } from './connections.js';

/**
 * What one operation may ask for, checked before anything runs. A query's cost
 * approximates the objects the gateway would fetch from Square for it: every field
 * costs 1 and what is selected under a list counts once per item it may hold — a
 * connection's `first` items (20 when omitted), `nodes` its ids, any other list 10.
 * The GraphiQL example costs about 900 and 50 customers with their cards, gift cards,
 * orders and payments about 28,000; one query over 100 customers’ 100 orders’ payments
 * costs over 1,100,000 and would drain the seller's Square rate limit, so it is refused.
 */
export const QUERY_LIMITS = { complexity: 100_000, depth: 15, breadth: 500 } as const;

/** A list in the schema whose items a query may multiply by. */
const LIST_MULTIPLIER = 10;

export function fieldCost(args: Record<string, unknown>, _ctx: GatewayContext, field: GraphQLField<unknown, GatewayContext, Record<string, unknown>>) {
  // Always an explicit multiplier: given a bare number the plugin multiplies any list field, a connection's edges too.
  if (field.args.some((arg) => arg.name === 'first')) {
    return { field: 1, multiplier: typeof args.first === 'number' ? Math.max(0, args.first) : DEFAULT_PAGE };
  }
  if (Array.isArray(args.ids)) return { field: 1, multiplier: args.ids.length };
  const type = getNullableType(field.type);
  // A connection's edges hold at most `first` items, already counted on the connection field.
  const list = isListType(type) && !getNamedType(type).name.endsWith('Edge');
  return { field: 1, multiplier: list ? LIST_MULTIPLIER : 1 };
}

/** The error a refused operation gets, naming the measure, its value and the limit. */
export const queryTooComplex: ComplexityErrorFn = (kind, result) => {
  const measure = kind.toLowerCase() as 'complexity' | 'depth' | 'breadth';
  const limit = QUERY_LIMITS[measure];
  const what = { complexity: 'costs', depth: 'nests', breadth: 'selects' }[measure];
  const unit = { complexity: '', depth: ' levels deep', breadth: ' fields' }[measure];
  return new GraphQLError(
    `This operation ${what} ${result[measure]}${unit}; the gateway allows at most ${limit}${unit}. Ask for fewer items (smaller first) or split it.`,
    { extensions: { code: 'QUERY_TOO_COMPLEX', measure, value: result[measure], limit } },
  );
};
