import type { PothosOutputFieldConfig, SchemaTypes } from '@pothos/core';
import { complexityFromQuery, type ComplexityErrorFn } from '@pothos/plugin-complexity';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLInt,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  typeFromAST,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayContext } from '../context/gateway-context.js';
import { DEFAULT_PAGE } from './connections.js';
import { tenderHeldCheck } from '../apis/orders/tender-payments.js';

/**
 * What one operation may ask for, checked before anything runs. A query's cost
 * counts what Square pays for it: every Square call it may cause costs
 * SQUARE_CALL_COST, and every field 1 for the gateway's own work; what is selected
 * under a list counts once per item it may hold — a connection's `first` items (20
 * when omitted), `nodes` its ids, a list declaring `countedItems` that many (an
 * order's payments: its tenders), any other list 10. The limit is about 4,000 Square
 * calls: 20 customers with their cards, gift cards and 50 orders' payments may cause
 * about 2,060 (cost about 118,000) and run; 100 customers' 100 orders' payments and
 * refunds (over a million calls) are refused before the first one.
 */
export const QUERY_LIMITS = { complexity: 200_000, depth: 15, breadth: 500 } as const;

/** What one Square call costs, against 1 for a field. */
export const SQUARE_CALL_COST = 50;

/** The most ids one `nodes` takes: past that, a caller is paging through Square with someone else's rate limit. */
export const MAX_NODE_IDS = 100;

/** A list in the schema whose items a query may multiply by. */
const LIST_MULTIPLIER = 10;

/**
 * How a field below the root calls Square for each object it is selected on (the README's
 * call plan), declared where the field is, as `extensions: { squareCalls }`: `once` with one
 * call per object (a list call, or a lookup Square has no batch form of), `perItem` with
 * one call per item it holds (GetPayment, GetPaymentRefund). Lookups of customers and
 * orders are batched 100 ids to a call and locations are cached, so fields reading them
 * declare none. A list whose items Square's data keeps few declares how many it is counted
 * at, as `extensions: { countedItems }`; its resolver adds to the request's cost any call
 * past that count that it makes (see order.ts), so that `extensions.cost` stays an upper bound.
 */
export type SquareCalls = 'once' | 'perItem';

export function fieldCost(args: Record<string, unknown>, _ctx: GatewayContext, field: GraphQLField<unknown, GatewayContext, Record<string, unknown>>) {
  // Refused here, while the whole operation is measured, so that no root field of it calls Square.
  if (Array.isArray(args.ids) && args.ids.length > MAX_NODE_IDS) {
    throw new GraphQLError(
      `${field.name} takes at most ${MAX_NODE_IDS} ids; this operation passes ${args.ids.length}. Split them over several requests.`,
      { extensions: { code: 'BAD_USER_INPUT', argument: 'ids', limit: MAX_NODE_IDS } },
    );
  }
  const multiplier = itemsPerObject(args, field);
  return { field: 1 + SQUARE_CALL_COST * squareCalls(args, field, multiplier), multiplier };
}

/** How many items a field may hold, by which what is selected under it counts. */
function itemsPerObject(args: Record<string, unknown>, field: GraphQLField<unknown, GatewayContext>): number {
  // Always an explicit multiplier: given a bare number the plugin multiplies any list field, a connection's edges too.
  if (field.args.some((arg) => arg.name === 'first')) return typeof args.first === 'number' ? Math.max(0, args.first) : DEFAULT_PAGE;
  if (Array.isArray(args.ids)) return args.ids.length;
  const type = getNullableType(field.type);
  // A connection's edges hold at most `first` items, already counted on the connection field.
  if (!isListType(type) || getNamedType(type).name.endsWith('Edge')) return 1;
  return (field.extensions.countedItems as number | undefined) ?? LIST_MULTIPLIER;
}

/** Square calls a field may make for each object it is selected on. */
function squareCalls(args: Record<string, unknown>, field: GraphQLField<unknown, GatewayContext>, items: number): number {
  const { kind } = field.extensions.pothosConfig as PothosOutputFieldConfig<SchemaTypes>;
  // `nodes` looks up each id on its own: GetPayment, for one, has no batch form.
  if (Array.isArray(args.ids)) return items;
  if (kind === 'Query' || kind === 'Mutation') return 1;
  const calls = field.extensions.squareCalls as SquareCalls | undefined;
  return calls === 'perItem' ? items : calls === 'once' ? 1 : 0;
}

/**
 * The operation's cost as a client is told it and its API key is charged: the query
 * limits' measure (`measured`, from the plugin and fieldCost) less the GetPayment of each
 * `Tender.payment` that selects only fields the tender holds, which its resolver answers
 * without Square (tender-payments.ts). The limits themselves keep counting those calls, as
 * an upper bound: the plugin gives fieldCost no selection to look at.
 */
export function requestedQueryCost(
  measured: number,
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Record<string, unknown>,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return measured;
  const walk: Walk = { schema, fragments, variables, tenderHeld: tenderHeldCheck(fragments), measured: new Map() };
  return Math.max(0, measured - SQUARE_CALL_COST * tenderHeldPayments(walk, operation.selectionSet, root));
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  variables: Record<string, unknown>;
  tenderHeld: (selection: SelectionSetNode) => boolean;
  /** Each selection set's count, by the type it was counted on: a fragment is walked once however often it is spread. */
  measured: Map<SelectionSetNode, Map<GraphQLNamedType, number>>;
}

/** How many tender-held `Tender.payment`s one object's selection may hold, multiplied by the lists in it as the limits multiply. */
function tenderHeldPayments(walk: Walk, selectionSet: SelectionSetNode, type: GraphQLNamedType): number {
  const known = walk.measured.get(selectionSet)?.get(type);
  if (known !== undefined) return known;
  let payments = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[selection.name.value] : undefined;
      if (!field || !selection.selectionSet) continue;
      if (type.name === 'Tender' && field.name === 'payment') {
        if (walk.tenderHeld(selection.selectionSet)) payments += 1;
        continue;
      }
      const multiplier = itemsPerObject(getArgumentValues(field, selection, walk.variables), field);
      if (multiplier > 0) payments += multiplier * tenderHeldPayments(walk, selection.selectionSet, getNamedType(field.type));
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments[selection.name.value];
      const on = fragment?.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : type;
      if (fragment && on) payments += tenderHeldPayments(walk, fragment.selectionSet, on);
    }
  }
  if (!walk.measured.has(selectionSet)) walk.measured.set(selectionSet, new Map());
  walk.measured.get(selectionSet)!.set(type, payments);
  return payments;
}

type Measure = keyof typeof QUERY_LIMITS;

/** The error a refused operation gets, naming the measure, its value and the limit. */
export const queryTooComplex: ComplexityErrorFn = (kind, result) => {
  const measure = kind.toLowerCase() as Measure;
  return tooComplex(measure, result[measure]);
};

/** The first limit (in the plugin's order) an operation measured at `result` passes, as the error it is refused with. */
export function limitPassed(result: Readonly<Record<Measure, number>>): GraphQLError | undefined {
  const measure = (['depth', 'breadth', 'complexity'] as const).find((m) => result[m] > QUERY_LIMITS[m]);
  return measure && tooComplex(measure, result[measure]);
}

function tooComplex(measure: Measure, value: number): GraphQLError {
  const limit = QUERY_LIMITS[measure];
  const what = { complexity: 'costs', depth: 'nests', breadth: 'selects' }[measure];
  const unit = { complexity: '', depth: ' levels deep', breadth: ' fields' }[measure];
  return new GraphQLError(
    `This operation ${what} ${value}${unit}; the gateway allows at most ${limit}${unit}. Ask for fewer items (smaller first) or split it.`,
    { extensions: { code: 'QUERY_TOO_COMPLEX', measure, value, limit } },
  );
}

/**
 * The first limit `operation` (of `document`, with its fragments) passes even for the
 * cheapest request, as measured when it is registered as a trusted document, before any
 * request gives it variables: each Int variable (a page's size) counts as 1 and each list as
 * one item, the other variables at their defaults, as left out, or (required) as any value.
 * What it refuses no request could run; every request meets the limits again with its own variables.
 */
export function limitPassedByCheapestRequest(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): GraphQLError | undefined {
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const variables: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (!type) continue;
    const name = definition.variable.name.value;
    const counts = getNamedType(type) === GraphQLInt || isListType(getNullableType(type));
    if (counts || (!definition.defaultValue && isNonNullType(type))) variables[name] = cheapestValue(type);
    else if (definition.defaultValue) variables[name] = valueFromAST(definition.defaultValue, type);
  }
  return limitPassed(complexityFromQuery({ ...document, definitions: [...fragments, operation] }, { schema, ctx: {}, variables }));
}

/** Values any other scalar of this schema takes one of, tried in order: IDs, strings and the custom scalars `'0'`, Float 0, Boolean false. */
const SCALAR_VALUES: readonly unknown[] = ['0', 0, false];

/** A value of `type` as a variable's JSON would give it, costing the least the limits can tell: an Int 1, a list one item. */
function cheapestValue(type: GraphQLInputType): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [cheapestValue(inner.ofType)];
  if (inner === GraphQLInt) return 1;
  if (isEnumType(inner)) return inner.getValues()[0]?.name;
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields());
    // A oneOf input takes exactly one field; any other, each field it requires.
    const given = inner.isOneOf ? fields.slice(0, 1) : fields.filter((field) => isNonNullType(field.type) && field.defaultValue === undefined);
    return Object.fromEntries(given.map((field) => [field.name, cheapestValue(field.type)]));
  }
  return SCALAR_VALUES.find((value) => {
    try {
      return inner.parseValue(value) !== undefined;
    } catch {
      return false;
    }
  });
}
