import { complexityFromQuery } from '@pothos/plugin-complexity';
import { getOperationAST, GraphQLError, Kind, type DocumentNode, type ExecutionArgs, type ExecutionResult, type FragmentDefinitionNode } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ApiKey } from '../context/authentication.js';
import { costOf, type CarriesCost, type RequestCost } from '../context/cost.js';
import { limitPassed, requestedQueryCost, SQUARE_CALL_COST } from '../schema/query-cost.js';
import type { BucketStatus, SquareBudget } from '../square/budget.js';

const keyBucket = (key: ApiKey) => `api-key:${key.sha256}`;
const keySettings = (key: ApiKey) => ({ ratePerSecond: key.budget.costPerSecond, burst: key.budget.burst });

/** A bucket as a client sees it, in Shopify's words. */
function throttleStatus(status: BucketStatus) {
  return { maximumAvailable: status.burst, currentlyAvailable: Math.floor(status.tokens), restoreRate: status.ratePerSecond };
}

/**
 * A key's budget as the IETF's RateLimit header fields (draft-ietf-httpapi-ratelimit-headers)
 * say a quota: the policy (`q` cost units, restored in full over `w` seconds) and what is left
 * now (`r`, and `t` seconds until the budget is full again).
 */
export function rateLimitFields(status: BucketStatus): Record<string, string> {
  const window = Math.ceil(status.burst / status.ratePerSecond);
  const untilFull = Math.ceil(Math.max(0, status.burst - status.tokens) / status.ratePerSecond);
  return {
    'ratelimit-policy': `"api-key";q=${status.burst};w=${window}`,
    ratelimit: `"api-key";r=${Math.floor(status.tokens)};t=${untilFull}`,
  };
}

/**
 * The operation's cost as the complexity plugin measures it before running it (the same
 * fieldCost), for the selected operation only, less what tenders answer (requestedQueryCost),
 * and the error of the first query limit it passes; undefined when it cannot be measured (a
 * bad variable, too many ids).
 */
type Measured = { cost: number; refused?: GraphQLError | undefined } | undefined;

/** Measurements per parsed document (yoga hands the same one for the same text) and operation with its variables: the cost depends on nothing else. */
const measuredCosts = new WeakMap<DocumentNode, Map<string, Measured>>();
/** Variable sets remembered per document; a client varying them without end only starts the map again. */
const MEASURED_PER_DOCUMENT = 64;

function requestedCost(args: ExecutionArgs): Measured {
  let byVariables = measuredCosts.get(args.document);
  if (!byVariables) measuredCosts.set(args.document, (byVariables = new Map()));
  const key = `${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {}, (_, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))}`;
  if (byVariables.has(key)) return byVariables.get(key);
  const measured = measure(args);
  if (byVariables.size >= MEASURED_PER_DOCUMENT) byVariables.clear();
  byVariables.set(key, measured);
  return measured;
}

function measure(args: ExecutionArgs): Measured {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return undefined;
  const fragments = args.document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const variables = (args.variableValues ?? {}) as Record<string, unknown>;
  try {
    const measured = complexityFromQuery({ ...args.document, definitions: [...fragments, operation] }, { schema: args.schema, ctx: args.contextValue as object, variables });
    const refused = limitPassed(measured);
    // Nothing of a refused operation runs, tenders answer none of it either: its cost is what the limits measured.
    if (refused) return { cost: measured.complexity, refused };
    const byName = Object.fromEntries(fragments.map((f) => [f.name.value, f]));
    return { cost: requestedQueryCost(measured.complexity, args.schema, operation, byName, variables) };
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
 * key without enough left is refused with THROTTLED before any Square call. Once a query
 * or mutation is done, what it did not spend is given back: it keeps SQUARE_CALL_COST for
 * each Square call it made (the key budgets Square's rate, which reads answered by the
 * cache or by tenders do not touch). Every response, every part of an incremental one and
 * every event of a subscription then says what the operation was measured at, how many
 * Square calls it made (a subscription event: that event's own), and the state of the
 * seller's Square budget (and of the key's, when it has one).
 */
export function costExtension(budget: SquareBudget): Plugin<CarriesCost, CarriesCost> {
  const charge = async (args: ExecutionArgs & { contextValue: CarriesCost }, refuse: (result: ExecutionResult) => void) => {
    const cost = costOf(args.contextValue);
    const measured = requestedCost(args);
    if (!measured) return;
    const requested = (cost.requested = measured.cost);
    // An operation the query limits refuse is not run at all (so makes no Square call), and costs the key nothing.
    if (measured.refused) {
      refuse({ errors: [measured.refused] });
      return;
    }
    cost.withinLimits = true;
    const key = cost.caller?.key;
    if (!key || requested === 0) return;
    if (requested > key.budget.burst) {
      refuse({ errors: [throttled(requested, key, 0, Infinity)] });
      return;
    }
    const { wait, status } = await budget.spend(keyBucket(key), requested, keySettings(key));
    cost.keyBudget = status;
    if (wait === 0) cost.charged = requested;
    else refuse({ errors: [throttled(requested, key, status.tokens, wait)] });
  };

  /**
   * Settles the key's charge with the Square calls the operation made, once: gives back what it
   * was charged beyond them, or takes what resolvers added to its cost while it ran (calls
   * past what the limits counted, see order.ts) — up to its cost, retries past it being Square's.
   */
  const settle = async (cost: RequestCost) => {
    const key = cost.caller?.key;
    const balance = (cost.charged ?? 0) - Math.min(cost.requested, cost.squareCalls * SQUARE_CALL_COST);
    const charged = cost.charged !== undefined;
    cost.charged = undefined;
    if (key && charged && balance !== 0) cost.keyBudget = await budget.give(keyBucket(key), balance, keySettings(key));
  };

  const withCost = async <T extends ExecutionResult>(result: T, cost: RequestCost, squareCalls = cost.squareCalls): Promise<T> => {
    const { caller } = cost;
    // The buckets as this request's own calls and charge left them; the store is asked only when it made none.
    const [seller, key] = await Promise.all([
      caller?.seller !== undefined && (cost.sellerBudget ?? budget.peek(caller.seller)),
      caller?.key && (cost.keyBudget ?? budget.peek(keyBucket(caller.key), keySettings(caller.key))),
    ]);
    return {
      ...result,
      extensions: {
        ...result.extensions,
        cost: {
          requestedQueryCost: cost.requested,
          actualQueryCost: squareCalls,
          // Only a caller who got through authentication learns of the seller's budget.
          throttleStatus: seller ? throttleStatus(seller) : null,
          ...(key ? { apiKeyThrottleStatus: throttleStatus(key) } : {}),
        },
      },
    };
  };

  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      const pending = charge(args, setResultAndStopExecution);
      return pending.then(() => ({
        // The parts of @defer and @stream: each tells the cost so far, the last one the request's final cost.
        onExecuteDone: ({ result }) => {
          if (!isAsyncIterable(result)) return;
          const cost = costOf(args.contextValue);
          return {
            onNext: async ({ result: part, setResult }) => {
              if ((part as { hasNext?: boolean }).hasNext === false) await settle(cost);
              setResult(await withCost(part, cost));
            },
          };
        },
      }));
    },
    onSubscribe: ({ args, setResultAndStopExecution }) => {
      const pending = charge(args, setResultAndStopExecution);
      return pending.then(() => ({
        // Each event tells the Square calls of its own reads; the subscription was charged once, when it started.
        onSubscribeResult: ({ result }) => {
          if (!isAsyncIterable(result)) return;
          const cost = costOf(args.contextValue);
          let before = cost.squareCalls;
          return {
            onNext: async ({ result: event, setResult }) => {
              const calls = cost.squareCalls - before;
              before = cost.squareCalls;
              setResult(await withCost(event, cost, calls));
            },
          };
        },
      }));
    },
    // The key's budget in the IETF's RateLimit fields too, for clients and proxies that read headers rather than bodies.
    onResponse({ serverContext, response }) {
      const { cost } = serverContext;
      const key = cost?.caller?.key;
      if (!key || !cost.keyBudget) return;
      for (const [name, value] of Object.entries(rateLimitFields(cost.keyBudget))) response.headers.set(name, value);
    },
    async onResultProcess({ serverContext, result, setResult }) {
      // Streams (incremental parts, subscription events) were told their cost part by part, above.
      if (isAsyncIterable(result)) return;
      const cost = costOf(serverContext);
      await settle(cost);
      setResult(Array.isArray(result) ? await Promise.all(result.map((r) => withCost(r, cost))) : await withCost(result, cost));
    },
  };
}
