import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Scope } from '../apis/api.js';
import type { GatewayContext } from '../context/gateway-context.js';
import { fieldCost, QUERY_LIMITS, queryTooComplex } from './query-cost.js';

/** The scopes a failed check asked for, for the FORBIDDEN message. */
function missingScopes(failure: AuthFailure): string[] {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return [failure.scope];
    case AuthScopeFailureType.AnyAuthScopes:
    case AuthScopeFailureType.AllAuthScopes:
      return failure.failures.flatMap(missingScopes);
    default:
      return [];
  }
}

/** The FORBIDDEN error of a failed scope check, naming the scopes the key lacks. */
export function forbidden(failure: AuthFailure, message: string): GraphQLError {
  const scopes = [...new Set(missingScopes(failure))];
  return new GraphQLError(scopes.length > 0 ? `This API key lacks the scope ${scopes.join(' or ')}.` : message, {
    extensions: { code: 'FORBIDDEN', scopes },
  });
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The one schema builder; every type module adds to it. */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  Scalars: {
    BigInt: { Input: bigint; Output: bigint | number };
    DateTime: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  AuthScopes: Record<Scope, boolean>;
}>({
  // scope-auth first, so that no other plugin's wrapper runs for a caller without the scope.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, ComplexityPlugin],
  // A bulk operation's pages bring limits of their own (GatewayContext.queryLimits). An operation the cost
  // extension measured within the gateway's limits, with the same fieldCost, is not measured a second time.
  complexity: {
    limit: (ctx) => ctx.queryLimits ?? (ctx.cost.withinLimits ? {} : QUERY_LIMITS),
    fieldComplexity: fieldCost,
    complexityError: queryTooComplex,
  },
  scopeAuth: {
    authScopes: (ctx) => ctx.scopes,
    runScopesOnType: true,
    // A subscription's scopes are checked once, when it starts: a key without them gets FORBIDDEN, not a silent stream.
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, _ctx, _info, result) => forbidden(result.failure, result.message),
  },
  errors: {
    defaultResultOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Success` },
    defaultUnionOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Result` },
  },
  relay: {
    cursorType: 'String',
    nodeTypeOptions: {
      description: 'An object that has a global id and can be fetched again with node(id) or nodes(ids).',
    },
    idFieldOptions: {
      description: 'The object’s global id: opaque and stable, accepted by node(id) and by the root lookup of its type.',
    },
    // node and nodes are src/schema/node.ts: they decode ids themselves, so that a bad id fails only its own entry.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list, and the cursors to move on from it.' },
    hasNextPageFieldOptions: { description: 'True when more items follow this page; fetch them with after: endCursor.' },
    hasPreviousPageFieldOptions: { description: 'True when items come before this page.' },
    startCursorFieldOptions: { description: 'The cursor of the first edge on this page; null when the page is empty.' },
    endCursorFieldOptions: {
      description: 'The cursor of the last edge on this page, to pass as after for the next page; null when the page is empty.',
    },
    cursorFieldOptions: { description: 'An opaque position of this edge in its connection, to pass as after (or before).' },
    nodeFieldOptions: { nullable: false, description: 'The item at this position.' },
    edgesFieldOptions: { nullable: false, description: 'The items on this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Whether more pages exist and the cursors to reach them.' },
    firstArgOptions: { description: 'Return at most this many items from the start: 0 to 100, 20 when omitted.' },
    afterArgOptions: {
      description: 'Return only items after this cursor (an edge cursor or a pageInfo.endCursor of the same connection).',
    },
    lastArgOptions: {
      description:
        'Return at most this many items from the end; not every connection supports it (forward-only ones refuse it as bad input).',
    },
    beforeArgOptions: {
      description: 'Return only items before this cursor; not every connection supports it (forward-only ones refuse it as bad input).',
    },
    defaultEdgeTypeOptions: { description: 'One item of a connection together with its cursor.' },
    defaultConnectionTypeOptions: { description: 'A page of items with the cursors to page through the rest.' },
  },
});

builder.subscriptionType({
  description:
    'Live updates over server-sent events, driven by Square’s webhooks: each event carries the changed object as it stands now, and only the caller’s own seller’s.',
});
