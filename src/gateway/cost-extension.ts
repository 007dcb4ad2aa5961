import { complexityFromQuery } from '@pothos/plugin-complexity';
import { getOperationAST, GraphQLError, Kind, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { QUERY_LIMITS } from '../schema/query-cost.js';
import type { BucketStatus, SquareBudget } from '../square/budget.js';
import type { ApiKey } from './api-keys.js';

/** What one request cost, gathered while it runs, for `extensions.cost`. */
export interface RequestCost {
  /** The operation's cost as the query limits measure it; 0 until measured (or when it could not be). */
  requested: number;
  /** Answers Square gave for this request; calls refused by a budget, and cache hits, never reach Square. */
  squareCalls: number;
  /** Who is calling, once the request's context knows: its seller's budget and its API key. */
  caller?: { seller: string; key?: ApiKey | undefined };
}

const costs = new WeakMap<Request, RequestCost>();

/** The cost record of one HTTP request, made on first use (by its context, or by this plugin). */
export function costOf(request: Request): RequestCost {
  let cost = costs.get(request);
  if (!cost) {
    cost = { requested: 0, squareCalls: 0 };
    costs.set(request, cost);
  }
  return cost;
}

const keyBucket = (key: ApiKey) => `api-key:${key.sha256}`;
const keySettings = (key: ApiKey) => ({ ratePerSecond: key.budget.costPerSecond, burst: key.budget.burst });

/** A bucket as a client sees it, in Shopify's words. */
function throttleStatus(status: BucketStatus) {
  return { maximumAvailable: status.burst, currentlyAvailable: Math.floor(status.tokens), restoreRate: status.ratePerSecond };
}

/**
 * The operation's cost as the complexity plugin measures it before running it (the same
 * fieldCost), for the selected operation only, and whether the plugin lets it run;
 * undefined when it cannot be measured (a bad variable, too many ids).
 */
function requestedCost(args: ExecutionArgs): { cost: number; runs: boolean } | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return undefined;
  const document = {
    ...args.document,
    definitions: args.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION || d === operation),
  };
  try {
    const measured = complexityFromQuery(document, {
      schema: args.schema,
      ctx: args.contextValue as object,
      variables: (args.variableValues ?? {}) as Record<string, unknown>,
    });
    const runs = measured.complexity <= QUERY_LIMITS.complexity && measured.depth <= QUERY_LIMITS.depth && measured.breadth <= QUERY_LIMITS.breadth;
    return { cost: measured.complexity, runs };
  } catch {
    return undefined;
  }
}

function throttled(cost: number, key: ApiKey, available: number, waitMs: number): GraphQLError {
  if (cost > key.budget.burst) {
    return new GraphQLError(
      `This operation costs ${cost}; this API key may spend at most ${key.budget.burst} at once. Ask for fewer items (smaller first) or split it.`,
      { extensions: { code: 'THROTTLED', requestedQueryCost: cost, maximumAvailable: key.budget.burst } },
    );
  }
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new GraphQLError(
    `This API key's query budget is spent for now: this operation costs ${cost}, ${Math.floor(available)} is left. Retry after ${retryAfterSeconds} s.`,
    {
      extensions: {
        code: 'THROTTLED',
        requestedQueryCost: cost,
        retryAfterSeconds,
        http: { headers: { 'retry-after': String(retryAfterSeconds) } },
      },
    },
  );
}

/**
 * `extensions.cost` on every response, and each API key's budget of query cost. Before
 * an operation runs its cost is measured and taken from the caller's key's bucket; a
 * key without enough left is refused with THROTTLED before any Square call. Every
 * response then says what the operation was measured at, how many Square calls it made,
 * and the state of the seller's Square budget (and of the key's, when it has one).
 */
export function costExtension(budget: SquareBudget): Plugin {
  const charge = async (args: ExecutionArgs, refuse: (result: ExecutionResult) => void) => {
    const request = (args.contextValue as { request?: Request }).request;
    if (!request) return;
    const cost = costOf(request);
    const measured = requestedCost(args);
    if (!measured) return;
    const requested = (cost.requested = measured.cost);
    const key = cost.caller?.key;
    // An operation the query limits refuse makes no Square call, and costs the key nothing.
    if (!key || !measured.runs || requested === 0) return;
    const wait = requested > key.budget.burst ? Infinity : await budget.spend(keyBucket(key), requested, keySettings(key));
    if (wait === 0) return;
    const available = Number.isFinite(wait) ? (await budget.peek(keyBucket(key), keySettings(key))).tokens : 0;
    refuse({ errors: [throttled(requested, key, available, wait)] });
  };

  const withCost = async <T extends ExecutionResult>(result: T, cost: RequestCost): Promise<T> => {
    const { caller } = cost;
    const [seller, key] = await Promise.all([
      caller && budget.peek(caller.seller),
      caller?.key && budget.peek(keyBucket(caller.key), keySettings(caller.key)),
    ]);
    return {
      ...result,
      extensions: {
        ...result.extensions,
        cost: {
          requestedQueryCost: cost.requested,
          actualQueryCost: cost.squareCalls,
          // Only a caller who got through authentication learns of the seller's budget.
          throttleStatus: seller ? throttleStatus(seller) : null,
          ...(key ? { apiKeyThrottleStatus: throttleStatus(key) } : {}),
        },
      },
    };
  };

  return {
    onExecute: ({ args, setResultAndStopExecution }) => charge(args, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => charge(args, setResultAndStopExecution),
    async onResultProcess({ request, result, setResult }) {
      // A stream's parts (subscriptions) go out as they come; the cost is told on whole responses.
      if (isAsyncIterable(result)) return;
      const cost = costOf(request);
      setResult(Array.isArray(result) ? await Promise.all(result.map((r) => withCost(r, cost))) : await withCost(result, cost));
    },
  };
}
